"""What a conversion reports: edits made, findings raised, and the outcome per file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    """How a conversion writes its output (from the configuration)."""

    comments: bool = True  # `# bnport: removed ...` above statements that lost arguments


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based
    column: int  # 1-based
    rule: str
    severity: str  # "error" | "warning" | "info"
    message: str
    argument: str | None = None
    cell: int | None = None  # in a notebook: the cell's position (1-based); line is within the cell


@dataclass(frozen=True)
class Edit:
    line: int
    column: int
    rule: str
    source: str  # the original code of the edited node
    target: str  # what it became
    safety: str = "exact"  # "exact" | "approximate": the rule's safety
    cell: int | None = None  # in a notebook: the cell's position (1-based)


@dataclass
class FileResult:
    path: str
    status: str = "unchanged"  # "changed" | "unchanged" | "error" | "skipped" | "excluded"
    error: str | None = None
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    original: bytes | None = None
    converted: bytes | None = None
    diff: str | None = None  # kept instead of the bytes when a diff is asked for

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "edits": [{k: v for k, v in e.__dict__.items() if k != "cell" or v is not None} for e in self.edits],
            "findings": [
                {k: getattr(f, k) for k in ("line", "column", "rule", "severity", "argument", "message")}
                | ({"cell": f.cell} if f.cell is not None else {})
                for f in self.findings
            ],
        }
