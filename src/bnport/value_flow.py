"""Where a MindSpore value read from a converted layer meets code that is still the source framework's.

``LayerUses`` follows each parameter or buffer read from a converted layer (``bn.moving_mean``)
through arithmetic, tensor methods and names it is assigned to; at each step it tells this module
what the value meets: the other operand of an operator, the argument of a method called on it, the
target it is stored into, the receiver of a method it is passed to. Whether that other side is
MindSpore can only be told once every converted value of the file is known, so the meetings are
collected and judged in ``finish``: one finding per statement where a MindSpore value meets a value
that is certainly the source framework's (made by a source-framework call, a source tensor
attribute such as ``.weight`` or ``.data`` of an object that is not a converted layer, or the
receiver of an in-place tensor method such as ``copy_``).
"""

from __future__ import annotations

import libcst as cst

from bnport.expressions import code_of, short_code as _short, strip_parens
from bnport.resolve import qualified_name


class ValueFlow:
    def __init__(self, ctx, objects, roots: set[str], tensor_names: set[str]):
        self.ctx, self.objects, self.roots, self.tensor_names = ctx, objects, roots, tensor_names
        self._known: set[int] = set()  # ids of expressions that are MindSpore values
        self._meetings: list[tuple] = []  # (statement, rule, value, other, how)

    def known(self, node: cst.CSTNode) -> None:
        self._known.add(id(node))

    def meets(self, statement, rule, value, other, how: str) -> None:
        """`value` (MindSpore) meets `other`: how = "operand" | "argument" | "target" | "receiver" | "state"."""
        self._meetings.append((statement, rule, value, other, how))

    def foreign_now(self, other) -> bool:
        """Whether `other` is a source-framework value, by what is known so far."""
        return self._is_foreign(other, set())

    # -- judged once every MindSpore value of the file is known --
    def finish(self, report) -> None:
        merged: dict[int, list] = {}
        for statement, rule, value, other, how in self._meetings:
            shown = self._foreign(other, how)
            if shown is None:
                continue
            entry = merged.setdefault(id(statement), [value, rule, [], []])
            for items, text in ((entry[2], _short(code_of(value))), (entry[3], shown)):
                if text not in items:
                    items.append(text)
        for node, rule, values, others in merged.values():
            framework = rule.apis[0].sources[0].split(".")[0]
            report(node, rule, values=", ".join(values), others=", ".join(others), framework=framework)

    def _foreign(self, other, how: str) -> str | None:
        """The code shown for `other` when it is certainly a source-framework value, else None."""
        other = strip_parens(other)
        if how == "receiver":
            # `t.copy_(value)`, `t.mul_(d).add_(value)`: in-place methods are the source tensor API
            method = other.attr.value
            if id(other.value) in self._known:
                return None
            if method.endswith("_") and not method.startswith("_") or self._is_foreign(other.value, set()):
                return _short(code_of(other))
            return None
        # a functional call's state operands: only what is known to be made by the source framework
        return _short(code_of(other)) if self._is_foreign(other, set(), strict=how == "state") else None

    def _is_foreign(self, node, seen: set, strict: bool = False) -> bool:
        node = strip_parens(node)
        if id(node) in self._known or id(node) in seen or len(seen) > 20:
            return False
        seen.add(id(node))
        if isinstance(node, cst.Call):
            name = qualified_name(self.ctx, node.func)
            if name is not None and name.split(".")[0] in self.roots:
                return True
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in self.ctx.ruleset.tensor_plain:
                return False  # `.item()`, `.numel()`: a Python value
            return isinstance(node.func, cst.Attribute) and self._is_foreign(node.func.value, seen)
        if isinstance(node, cst.Attribute):
            stores = self._attribute_stores(node)
            if stores:  # what the attribute is assigned says what it holds (`self.weight = 1e-4`)
                return any(self._is_foreign(v, seen) for v in stores if isinstance(v, cst.BaseExpression))
            if node.attr.value not in self.tensor_names:
                return False
            made = self._maker(node.value, seen)
            # `c.weight` of an object not known to be anything else: a source tensor
            return made == "source" if strict else made != "other"
        if isinstance(node, cst.Subscript):
            return self._is_foreign(node.value, seen)
        if isinstance(node, cst.BinaryOperation):
            return self._is_foreign(node.left, seen) or self._is_foreign(node.right, seen)
        if isinstance(node, cst.UnaryOperation):
            return self._is_foreign(node.expression, seen)
        if isinstance(node, (cst.List, cst.Tuple)):
            return any(self._is_foreign(e.value, seen) for e in node.elements)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return self._is_foreign(node.elt, seen)
        if isinstance(node, cst.Name):
            return any(self._is_foreign(value, seen) for value in self._assigned_values(node))
        return False

    def _maker(self, holder, seen: set) -> str | None:
        """Who made an object: "source" (a source-framework call), "other" (a call of anything else
        that names what it calls, `mindspore.nn.Dense(c, c)`), or None (not known)."""
        holder = strip_parens(holder)
        if id(holder) in self._known:
            return "other"
        if isinstance(holder, cst.Call):
            values = [holder]
        elif isinstance(holder, cst.Name):
            values = self._assigned_values(holder)
        elif isinstance(holder, cst.Attribute):
            values = self._attribute_stores(holder) or []
        else:
            return None
        names = [qualified_name(self.ctx, v.func) if isinstance(v, cst.Call) else None for v in values]
        if any(n is not None and n.split(".")[0] in self.roots for n in names):
            return "source"
        return "other" if names and all(n is not None for n in names) else None

    def _attribute_stores(self, node: cst.Attribute) -> list | None:
        """The values stored into `<object>.<name>` where the object's class is one of this file."""
        owner = self.objects.owner_class(node.value)
        if owner is None:
            return None
        return self.objects._stored_values(("attr", owner, node.attr.value))

    def _assigned_values(self, name: cst.Name) -> list:
        """The values plain assignments before it in its scope give a name (`x = torch.zeros(c)`)."""
        ctx = self.ctx
        scope = ctx.scopes.get(name)
        if scope is None:
            return []
        values, at = [], ctx.position(name)
        for assignment in scope[name.value]:
            target = assignment.node
            statement = ctx.parent(ctx.parent(target))
            if (isinstance(statement, cst.Assign) and any(t.target is target for t in statement.targets)
                    and (ctx.position(target) < at or _common_loop(ctx, target, name) is not None)):
                values.append(statement.value)  # (a later one in the loop: from the last iteration)
        return values


def loads_after(ctx, target: cst.Name, augmented: bool = False) -> list[cst.CSTNode]:
    """The reads of a name that its assignment (or parameter) `target` reaches: those after it, up
    to a plain assignment in the same block (a conditional one may not run; `+=` keeps the value);
    not those in a branch that excludes the assignment's. `augmented`: with the targets of the
    augmented assignments it reaches (`cfg |= ...` reads the value and changes it in place)."""
    scope = ctx.scopes.get(target)
    assignments = list(scope[target.value]) if scope is not None else []
    own = [a for a in assignments if a.node is target or (isinstance(a.node, cst.Param) and a.node.name is target)]
    if not own:
        return []
    start = ctx.position(target)
    statement = statement_of(ctx, target)
    block = ctx.parent(statement)
    ends = []
    for a in assignments:
        later = statement_of(ctx, a.node)
        if ctx.position(a.node) > start and ctx.parent(later) is block and _plain_store(ctx, a.node):
            ends.append(later)
    # the next assignment's statement still reads the old value on its right (`w = c.weight * w`)
    end = min(ends, key=ctx.position) if ends else None
    loads = {id(r.node): r.node for a in assignments for r in a.references}
    if augmented:
        loads.update({id(a.node): a.node for a in assignments if isinstance(a.node, cst.Name)
                      and isinstance(ctx.parent(a.node), cst.AugAssign)})
    reached = []
    for node in loads.values():
        loop = _common_loop(ctx, target, node)
        if _deferred(ctx, node, target):
            reached.append(node)  # read in a function or lambda defined here: it runs later, maybe after this
        elif ctx.position(node) > start:
            if (end is None or ctx.position(node) < ctx.position(end) or statement_of(ctx, node) is end) and (
                    loop is not None or not _exclusive(ctx, statement, node)):  # a later iteration may reach it
                reached.append(node)
        elif loop is not None and end is None and not _killed(ctx, assignments, loop, node):
            reached.append(node)  # read in the next iteration: `prev = bn.weight` at the end of the body
    return reached


def _deferred(ctx, read, target) -> bool:
    """Whether `read` sits in a function or lambda nested in the scope that assigns `target`."""
    scope = ctx.scopes.get(target)
    current = ctx.parent(read)
    while current is not None:
        if isinstance(current, (cst.FunctionDef, cst.Lambda)):
            return ctx.scopes.get(current) is scope or _in_scope(ctx, current, scope)
        if ctx.scopes.get(current) is not scope and isinstance(current, (cst.ClassDef, cst.Module)):
            return False
        current = ctx.parent(current)
    return False


def _in_scope(ctx, node, scope) -> bool:
    """Whether `node` (a nested definition) is defined directly in `scope`."""
    parent = ctx.parent(node)
    return parent is not None and ctx.scopes.get(parent) is scope


def others_reach(ctx, target: cst.Name, read) -> bool:
    """Whether an assignment of the name other than `target` may also give `read` its value: one
    between them that is not in target's block (a branch, an except), one before target where target
    is conditional, or one later in a loop around the read (the next iteration)."""
    scope = ctx.scopes.get(target)
    block = ctx.parent(statement_of(ctx, target))
    for a in scope[target.value] if scope is not None else ():
        node = a.node.name if isinstance(a.node, cst.Param) else a.node
        if node is target or not isinstance(node, cst.Name) or isinstance(ctx.parent(node), cst.AugAssign):
            continue
        if _common_loop(ctx, node, read) is not None:
            return True
        if ctx.position(node) < ctx.position(read) and (
                ctx.position(node) > ctx.position(target) or not inside(ctx, read, block)):
            return True
    return False


def inside(ctx, node, ancestor) -> bool:
    """Whether `ancestor` holds `node` (or is it)."""
    while node is not None:
        if node is ancestor:
            return True
        node = ctx.parent(node)
    return False


def _common_loop(ctx, a, b):
    """The innermost `for`/`while` whose body holds both nodes, within one function."""
    enclosing = []
    current = ctx.parent(a)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)):
        if isinstance(current, (cst.For, cst.While)):
            enclosing.append(current)
        current = ctx.parent(current)
    current = ctx.parent(b)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)):
        if isinstance(current, (cst.For, cst.While)) and current in enclosing and _in_body(ctx, a, current) \
                and _in_body(ctx, b, current):
            return current
        current = ctx.parent(current)
    return None


def _in_body(ctx, node, loop) -> bool:
    """Whether `node` runs on each iteration: in the body, or in a `while` loop's test."""
    while node is not None and node is not loop:
        if ctx.parent(node) is loop:
            return node is loop.body or (isinstance(loop, cst.While) and node is loop.test)
        node = ctx.parent(node)
    return False


def _killed(ctx, assignments, loop, read) -> bool:
    """Whether a plain assignment of the name between the loop's start and `read` always runs first."""
    for a in assignments:
        if ctx.position(loop) < ctx.position(a.node) < ctx.position(read) and _plain_store(ctx, a.node):
            block = ctx.parent(statement_of(ctx, a.node))
            current = read
            while current is not None and current is not loop:
                if current is block:
                    return True
                current = ctx.parent(current)
    return False


def _plain_store(ctx, target) -> bool:
    """`name = value` (not `+=`, not a loop variable, not a parameter)."""
    parent = ctx.parent(target)
    return isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.AnnAssign) and parent.value is not None)


def _exclusive(ctx, statement, node) -> bool:
    """Whether `node` sits in a branch of an `if` that excludes the branch holding `statement`."""
    branches = {}
    current, child = ctx.parent(statement), statement
    while current is not None:
        if isinstance(current, (cst.If, cst.Else)):
            branches[id(current)] = child
        child, current = current, ctx.parent(current)
    current, child = ctx.parent(node), node
    while current is not None:
        if isinstance(current, cst.If) and id(current) in branches:
            mine, theirs = branches[id(current)], child
            if mine is not theirs and (mine is current.orelse or theirs is current.orelse):
                return True
        child, current = current, ctx.parent(current)
    return False


def statement_of(ctx, node):
    """The statement (a simple statement line or a compound statement) that holds `node`."""
    while node is not None and not isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        node = ctx.parent(node)
    return node
