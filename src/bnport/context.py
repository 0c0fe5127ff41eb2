"""What every analysis step shares about one module: its rules, metadata and the findings so far."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from bnport.index import Index
from bnport.model import Finding
from bnport.positions import Positions
from bnport.resolve import Reference
from bnport.rules import Rule, RuleSet


@dataclass
class Context:
    ruleset: RuleSet
    references: dict[cst.CSTNode, Reference]  # nodes naming a wanted API
    index: Index  # parents, scopes, strings
    positions: Positions
    findings: list[Finding] = field(default_factory=list)

    @property
    def scopes(self) -> dict:
        return self.index.scopes

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        line, column = self.positions.start(node)
        return line, column + 1

    def finding(self, node, rule: Rule, severity: str, message: str, argument: str | None = None):
        line, column = self.position(node)
        self.findings.append(Finding(line, column, rule.id, severity, message, argument))

    def name_of(self, node: cst.CSTNode) -> str | None:
        """The qualified API name a node spells, if it names one unambiguously."""
        reference = self.references.get(node)
        if reference is None or len(reference.candidates) > 1:
            return None
        return reference.name

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.index.parents.get(node)
