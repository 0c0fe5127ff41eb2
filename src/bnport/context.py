"""What every analysis step shares about one module: its rules, metadata and the findings so far."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from bnport.index import Index
from bnport.model import Finding
from bnport.positions import Positions
from bnport.resolve import Reference
from bnport.rules import Code, Rule, RuleSet


@dataclass
class Context:
    ruleset: RuleSet
    references: dict[cst.CSTNode, Reference]  # nodes naming a wanted API
    index: Index  # parents, scopes, strings
    positions: Positions
    # (finding, the node it is about, a removed argument's marker text): markers are made from these
    reported: list[tuple[Finding, cst.CSTNode, str | None]] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [finding for finding, _, _ in self.reported]

    @property
    def scopes(self) -> dict:
        return self.index.scopes

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        line, column = self.positions.start(node)
        return line, column + 1

    def report(self, node, rule: Rule | None, code: str, param: str | None = None, removal: bool = False,
               suffix: str = "", **values) -> None:
        """A finding of `code` (defined in the rule data) about `node` (and the source parameter
        `param`, if it is about an argument); `values` fill its message."""
        self._add(node, rule, self.ruleset.codes[code], param, removal, suffix, values)

    def report_kind(self, node, rule: Rule | None, kind: str, param: str | None = None, **values) -> None:
        """A finding the engine raises itself (an engine kind), with the code the rule's file gives it."""
        self._add(node, rule, self.ruleset.code_for(rule, kind), param, False, "", values)

    def _add(self, node, rule, code: Code, param, removal: bool, suffix: str, values: dict) -> None:
        line, column = self.position(node)
        finding = Finding(line, column, code.id, code.severity, code.text(**values) + suffix, param,
                          rule=rule.id if rule is not None else None)
        # A removed argument's marker keeps its source text (and any comment that was inside it).
        removed = f"removed {values.get('argument')}={values.get('value')} ({code.title}){suffix}" if removal else None
        self.reported.append((finding, node, removed))

    def rollback(self, mark: int) -> None:
        """Forget the findings raised since `len(self.reported)` was `mark` (a call left as it was)."""
        del self.reported[mark:]

    def name_of(self, node: cst.CSTNode) -> str | None:
        """The qualified API name a node spells, if it names one unambiguously."""
        reference = self.references.get(node)
        if reference is None or len(reference.candidates) > 1 or reference.members:
            return None
        return reference.name

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.index.parents.get(node)
