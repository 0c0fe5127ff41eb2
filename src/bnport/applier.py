"""Carry out the plans in one libcst pass: rewrite planned calls, write the comments that keep
removed arguments visible, drop imports the edit left unused and make ``mindspore`` reachable.

The pass descends only into nodes that contain something to change (known from the parent map);
every other subtree is kept as the very same object.

Everything outside the edited nodes is left to libcst's lossless printing, so comments,
spacing, encoding and line endings stay as the user wrote them.
"""

from __future__ import annotations

import libcst as cst

from bnport.converted import with_mark
from bnport.analysis import Analysis
from bnport.calls import Env
from bnport.expressions import code_of, dotted
from bnport.imports import ImportPlan, bound_name, mindspore_import, place_mindspore
from bnport.model import Edit
from bnport.positions import Positions

_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class Applier(cst.CSTTransformer):
    def __init__(self, analysis: Analysis, imports: ImportPlan, positions: Positions, parents: dict,
                 markers: dict | None = None):
        super().__init__()
        self.markers = markers or {}  # statement -> `# bnport: CODE ...` lines written above it
        self._paths = _ancestors([*analysis.edited, *imports.removals, *self.markers], parents)
        self.analysis = analysis
        self.plans = analysis.plans
        self.imports = imports
        self.positions = positions
        self.edits: list[Edit] = []
        self._carried: list[cst.EmptyLine] = []  # comments of removed import lines, for the next statement
        self._mindspore_placed = not imports.add_mindspore
        self._uses_mindspore = False  # only an edit that writes `mindspore.` needs the import
        self._placeholder: cst.Import | None = None  # `import mindspore` in place of a removed import line
        self._replaced: cst.SimpleStatementLine | None = None  # that line
        self._depth = 0  # statement nesting; 0 while between module-level statements

    # -- statements: markers above them, statements after them --
    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _STATEMENTS):
            self._depth += 1
        return node in self._paths and super().on_visit(node)

    def on_leave(self, original_node, updated_node):
        result = super().on_leave(original_node, updated_node)
        if not isinstance(original_node, cst.SimpleStatementLine) and original_node in self.analysis.converted \
                and not isinstance(result, (cst.RemovalSentinel, cst.FlattenSentinel)):
            result = with_mark(result)  # a compound statement: the mark after its header's colon
        if not isinstance(original_node, _STATEMENTS):
            return result
        self._depth -= 1
        if isinstance(result, cst.RemovalSentinel) or isinstance(result, cst.FlattenSentinel):
            return result
        extra = [cst.EmptyLine(indent=True, comment=cst.Comment(text)) for text in self.markers.get(original_node, ())]
        if self._carried or extra:
            result = result.with_changes(leading_lines=[*self._carried, *result.leading_lines, *extra])
            self._carried = []
        return self._statements_after(original_node, result)

    def _statements_after(self, original, result):
        """Statements a plan adds after an assignment (`m.momentum = x` -> update the primitive), and
        calls that become statements (`m.reset_running_stats()` -> two set_data calls)."""
        if not isinstance(original, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return result
        result = self._member_statements(original, result)
        added = [text for small in original.body for text in self.analysis.after.get(small, [])]
        if not added:
            return result
        if any(self.analysis.after.get(small) for small in original.body[:-1]) and len(result.body) == len(original.body):
            # `bn.momentum = m; return bn`: the update goes right after its statement, before the return
            body, separator = [], cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))
            for small, new in zip(original.body, result.body):
                extra = [x for text in self.analysis.after.get(small, []) for x in cst.parse_statement(text).body]
                if extra:
                    body += [new.with_changes(semicolon=separator)]
                    body += [x.with_changes(semicolon=separator) for x in extra[:-1]]
                    body.append(extra[-1].with_changes(semicolon=new.semicolon))
                else:
                    body.append(new)
            return result.with_changes(body=body)
        smalls = [small for text in added for small in cst.parse_statement(text).body]
        if isinstance(original, cst.SimpleStatementSuite):
            body = list(result.body)
            body[-1] = body[-1].with_changes(semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" ")))
            return result.with_changes(body=[*body, *smalls])
        lines = [cst.SimpleStatementLine(body=[small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]) for small in smalls]
        return cst.FlattenSentinel([result, *lines])

    def _member_statements(self, original, result):
        templates = self.analysis.layers.statements
        if not any(small in templates for small in original.body):
            return result
        body = []
        for small, new in zip(original.body, result.body):
            if small not in templates:
                body.append(new)
                continue
            rule, template, path = templates[small]
            layer = code_of(new.value.func.value)
            text = template.format(object=layer, state=".".join(p for p in (layer, path) if p),
                                   mindspore=self.imports.mindspore_alias)
            smalls = list(cst.parse_statement(text).body)
            self._uses_mindspore = self._uses_mindspore or f"{self.imports.mindspore_alias}." in text
            self._edit(small, rule, cst.SimpleStatementLine(body=smalls))
            last = smalls[-1].with_changes(semicolon=new.semicolon)
            body += [s.with_changes(semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))) for s in smalls[:-1]]
            body.append(last)
        return result.with_changes(body=body)

    def leave_SimpleStatementSuite(self, original, updated):
        return self._statements_after(original, updated)

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        renamed = self.analysis.layers.strings.get(original)
        if renamed is None:
            return updated
        rule, text = renamed
        new = updated.with_changes(value=text)
        self._edit(original, rule, new)
        return new

    # -- class references and attributes of layers --
    def leave_Name(self, original: cst.Name, updated: cst.Name):
        return self._replace_reference(original, updated)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        renamed = self.analysis.renames.get(original)
        if renamed is not None:
            rule, path = renamed
            node = updated.value
            for part in path.split("."):
                node = cst.Attribute(value=node, attr=cst.Name(part))
            new = node.with_changes(lpar=updated.lpar, rpar=updated.rpar, dot=updated.dot)
            self._edit(original, rule, new)
            return new
        return self._replace_reference(original, updated)

    def _replace_reference(self, original, updated):
        template = self.analysis.templates.get(original)
        if template is not None:
            rule, text = template
            new = cst.parse_expression(text.format(mindspore=self.imports.mindspore_alias))
            new = new.with_changes(lpar=updated.lpar, rpar=updated.rpar) if updated.lpar else new
            self._uses_mindspore = True
            self._edit(original, rule, new)
            return new
        replacement = self.analysis.replacements.get(original)
        if replacement is None:
            return updated
        rule, target = replacement
        new = dotted(target, self.imports.mindspore_alias).with_changes(lpar=updated.lpar, rpar=updated.rpar)
        self._uses_mindspore = True
        self._edit(original, rule, new)
        return new

    def _edit(self, original, rule, new):
        line, column = self.positions.start(original)
        self.edits.append(Edit(line, column + 1, rule.id, code_of(original), code_of(new), rule.safety))

    # -- calls --
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        layers = self.analysis.layers
        if original in layers.calls or original in layers.initializers:
            return self._member_call(original, updated)
        plan = self.plans.get(original)
        if plan is None:
            return self._replace_reference(original, updated)  # `getattr(nn, "BatchNorm2d")` as a value
        env = Env(self.imports.mindspore_alias, {name: code_of(updated.args[i].value) for name, i in plan.bound.items()})
        args = []
        first = []
        for arg, decision in zip(updated.args, plan.decisions, strict=True):
            if decision.remove:
                continue
            if decision.make_value is not None:
                arg = arg.with_changes(value=decision.make_value(arg.value, env))
            if decision.first:
                # A positional-only target parameter given by keyword: it moves to the front.
                first.append(arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT))
                continue
            if decision.to is not None and not decision.positional:
                changes = {"keyword": cst.Name(decision.to)}
                if arg.keyword is None:
                    changes["equal"] = cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
                arg = arg.with_changes(**changes)
            args.append(arg)
        args = [cst.Arg(value=cst.parse_expression(text)) for text in plan.leading] + first + args
        for keyword, source in plan.additions:
            args.append(cst.Arg(
                keyword=cst.Name(keyword), value=cst.parse_expression(source(env)),
                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
            ))
        if args and updated.args:
            # The new last argument ends the way the old last one did (trailing comma, line break).
            last = updated.args[-1]
            tail = args[-1]
            # A comment in the tail's own comma stays (as a trailing comma) rather than be lost.
            comma = tail.comma if tail is not last and _has_comment(tail.comma) else last.comma
            separator = _separator(updated)
            # Arguments that are no longer last need a comma; the old last one's (maybe a trailing
            # comma before a line break) moves to the new tail, unless it carries a comment.
            keep = lambda a: isinstance(a.comma, cst.Comma) and (a.comma is not last.comma or _has_comment(a.comma))
            body = [a if keep(a) else a.with_changes(comma=separator) for a in args[:-1]]
            if any(a.comma is comma for a in body):
                comma = _without_comment(comma)
            args = body + [tail.with_changes(comma=comma, whitespace_after_arg=last.whitespace_after_arg)]
        func = updated.func if plan.keep_func else dotted(plan.api.target, self.imports.mindspore_alias)
        new = updated.with_changes(func=func, args=args)
        self._uses_mindspore = self._uses_mindspore or f"{self.imports.mindspore_alias}." in code_of(new)
        before, after = code_of(original), code_of(new)
        if before != after:  # a call whose arguments need nothing (a config of only its type) is not an edit
            line, column = self.positions.start(original)
            self.edits.append(Edit(line, column + 1, plan.rule.id, before, after, plan.rule.safety))
        return new

    def _member_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """`m.eval()` -> `m.set_train(False)`; `nn.init.constant_(m.gamma, 1)` -> `m.gamma.set_data(...)`."""
        alias = self.imports.mindspore_alias
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in updated.args]
        if original in self.analysis.layers.calls:
            rule, template, path = self.analysis.layers.calls[original]
            layer = code_of(updated.func.value)
            text = template.format(object=layer, state=".".join(p for p in (layer, path) if p), mindspore=alias,
                                   args=", ".join(code_of(a) for a in args))
        else:
            rule, template = self.analysis.layers.initializers[original]
            value = next((a.value for a in args[1:] if a.keyword is None or a.keyword.value == "val"), None)
            text = template.format(param=code_of(args[0].value), value=code_of(value) if value is not None else "",
                                   mindspore=alias)
        self._uses_mindspore = self._uses_mindspore or f"{alias}." in text
        new = cst.parse_expression(text).with_changes(lpar=updated.lpar, rpar=updated.rpar)
        self._edit(original, rule, new)
        return new

    # -- imports --
    def leave_Import(self, original: cst.Import, updated: cst.Import):
        return self._prune(original, updated, from_import=False)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        if isinstance(updated.names, cst.ImportStar):
            return updated
        return self._prune(original, updated, from_import=True)

    def _prune(self, original, updated, from_import: bool):
        gone = self.imports.removals.get(original)
        if not gone:
            return updated
        names = [a for a in updated.names if bound_name(a, from_import) not in gone]
        if not names:
            return cst.RemoveFromParent()
        if len(names) < len(updated.names):
            names[-1] = names[-1].with_changes(comma=updated.names[-1].comma)  # keep a trailing comma
            changes = {"names": names}
            if from_import and updated.rpar is None:
                changes["lpar"] = None
            return updated.with_changes(**changes)
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        if original in self.analysis.converted and updated.body:
            updated = with_mark(updated)
        if updated.body or not original.body:
            return updated
        # Every small statement on the line was a removed import.
        if self._depth == 1 and not self._mindspore_placed:
            # The module's first removed import line becomes `import mindspore`, keeping its comments
            # (leave_Module moves it if isort would put it elsewhere).
            self._mindspore_placed = True
            self._placeholder, self._replaced = mindspore_import(self.imports.mindspore_alias), original
            return updated.with_changes(body=[self._placeholder])
        self._carried.extend(updated.leading_lines)
        if updated.trailing_whitespace.comment is not None:
            self._carried.append(cst.EmptyLine(indent=True, comment=updated.trailing_whitespace.comment))
        return cst.RemoveFromParent()

    def leave_IndentedBlock(self, original, updated):
        if updated.body:
            return updated
        # A block whose only statements were removed imports must still hold a statement.
        return updated.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body = list(updated.body)
        footer = list(updated.footer)
        if self._carried:
            footer = [*self._carried, *footer]
            self._carried = []
        if self.imports.add_mindspore and (self._uses_mindspore or self._placeholder is not None):
            # Where isort would put it (the placeholder stays if it is already there).
            ours = frozenset(text for texts in self.markers.values() for text in texts)
            body, spare = place_mindspore(body, self._placeholder, self._replaced, ours, self.imports.mindspore_alias)
            footer = [*spare, *footer]
        return updated.with_changes(body=body, footer=footer)


def _ancestors(nodes: list[cst.CSTNode], parents: dict) -> set[cst.CSTNode]:
    """The nodes and everything above them."""
    found: set[cst.CSTNode] = set()
    for node in nodes:
        while node is not None and node not in found:
            found.add(node)
            node = parents.get(node)
    return found


def _without_comment(comma: cst.Comma) -> cst.Comma:
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        return comma.with_changes(whitespace_after=after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[]))
    return comma


def _separator(call: cst.Call) -> cst.Comma:
    """The comma style the call uses between its arguments, without any comment it carried."""
    if len(call.args) >= 2 and isinstance(call.args[-2].comma, cst.Comma):
        after = call.args[-2].comma.whitespace_after
    else:
        after = call.whitespace_before_args
    if isinstance(after, cst.ParenthesizedWhitespace):
        return _without_comment(cst.Comma(whitespace_after=after))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _has_comment(node) -> bool:
    return isinstance(node, cst.CSTNode) and "#" in code_of(node)
