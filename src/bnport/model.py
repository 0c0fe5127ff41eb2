"""What a conversion reports: edits made, findings raised, and the outcome per file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Options:
    """How a conversion writes its output (from the configuration)."""

    comments: bool = True  # `# bnport: CODE removed ...` above statements that lost arguments
    todo_comments: bool = True  # `# bnport: CODE message` above statements with a warning or error
    unused_suppressions: bool = False  # report `# bnport: ignore` comments that hide nothing
    assume: tuple[tuple[str, str], ...] = ()  # (name, module): names bound at run time, read as that module


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based
    column: int  # 1-based
    code: str  # the kind of finding (`bnport explain CODE`)
    severity: str  # "error" | "warning" | "info"
    message: str
    argument: str | None = None
    cell: int | None = None  # in a notebook: the cell's position (1-based); line is within the cell
    rule: str | None = None  # the conversion rule it was raised for (TBN001), if any


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
    remaining: dict[str, int] = field(default_factory=dict)  # source-framework names still used -> count

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "edits": [{k: v for k, v in e.__dict__.items() if k != "cell" or v is not None} for e in self.edits],
            "findings": [
                {k: getattr(f, k) for k in ("line", "column", "code", "severity", "argument", "message", "rule")}
                | ({"cell": f.cell} if f.cell is not None else {})
                for f in self.findings
            ],
        }
