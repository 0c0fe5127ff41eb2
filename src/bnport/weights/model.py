"""What the weights stages share: findings, and the one-line error that ends a run with exit 2."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "warning", "error"]


class WeightsError(Exception):
    """Bad input or usage: one line, printed as `bnport: <message>`, exit 2, nothing written."""


@dataclass(frozen=True)
class Finding:
    """Something the user should know. ``warning`` and ``error`` need attention (exit 1); ``info`` does not."""

    severity: Severity
    key: str | None  # the entry or layer prefix it is about; None: the whole checkpoint
    message: str

    def to_json(self) -> dict:
        return {"severity": self.severity, "key": self.key, "message": self.message}
