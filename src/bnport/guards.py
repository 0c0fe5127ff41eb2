"""Type tests that narrow an object to a converted layer, and where they hold.

``isinstance(m, nn.BatchNorm2d)`` (or a tuple of classes, an alias, a tuple constant),
``type(m) is nn.BatchNorm2d`` / ``==`` / ``in (...)`` (also through ``t = type(m)``),
``m.__class__ is ...``, and class-name tests (``classname.find('BatchNorm') != -1``,
``'BatchNorm' in type(m).__name__``) each narrow their subject. The narrowed region is the body
of the ``if`` / ``while``, the rest of an ``and``, the taken branch of ``a if test else b``, a
comprehension's element, the ``else`` of a negated test, or the rest of the block after
``if not <test>: continue`` (or ``return``/``raise``/``break``) or ``assert <test>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from bnport.context import Context
from bnport.expressions import code_of, strip_parens
from bnport.layers import Fact, Layer, LayerObjects, same_kind

_EXITS = (cst.Continue, cst.Return, cst.Raise, cst.Break)


@dataclass
class Guard:
    subject: cst.BaseExpression  # the narrowed expression, as written in the test
    fact: Fact | None  # None: narrowed to a class of the file, not to a layer
    regions: list = field(default_factory=list)  # nodes, or lists of statements (a block's tail)


class Guards:
    def __init__(self, ctx: Context, objects: LayerObjects):
        self.ctx, self.objects = ctx, objects
        self._seen: set[int] = set()

    # -- the tests --
    def from_class(self, node: cst.BaseExpression) -> Guard | None:
        """The guard of a test naming a converted class at `node`, if node is in one."""
        found = self._class_test(node)
        if found is None:
            return None
        test, subject, classes = found
        if id(test) in self._seen:
            return None
        self._seen.add(id(test))
        layers = [self.objects.layer_classes.get(id(strip_parens(c))) for c in classes]
        known = [l for l in layers if l is not None]
        if not known:
            return None
        others = ", ".join(code_of(c) for c, l in zip(classes, layers) if l is None)
        certain = not others and same_kind(known) and not any(id(strip_parens(c)) in self.objects.mixed_classes for c in classes)
        if not others and not certain:
            others = "a BatchNorm of another kind (BatchNorm3d keeps its state under bn2d)"
        fact = Fact(known[0], certain, self.ctx.position(test)[0], id(test), others=others)
        return self._narrow(test, subject, fact)

    def from_owner(self, node: cst.BaseExpression) -> Guard | None:
        """A type test with a class of this file (`isinstance(m, Bottleneck)`): m is an instance of it
        inside what the test guards (its layer attributes are then layers)."""
        found = self._class_test(node)
        if found is None or id(found[0]) in self._seen:
            return None
        test, subject, classes = found
        if len(classes) != 1:
            return None
        self._seen.add(id(test))
        return self._narrow(test, subject, None)

    def from_name_string(self, string: cst.SimpleString, tokens: tuple[str, ...], layer: Layer) -> Guard | None:
        """A class-name test: `<x>.__class__.__name__` / `type(x).__name__` compared with or searched
        for a string naming a BatchNorm class. It may match other classes too: uncertain."""
        ctx = self.ctx
        try:
            text = string.evaluated_value
        except (ValueError, SyntaxError):
            return None
        if not isinstance(text, str) or not any(text in t or t in text for t in tokens) or len(text) < 6:
            return None
        test, other = self._string_test(string)
        if test is None or id(test) in self._seen:
            return None
        subject = self._class_name_subject(other)
        if subject is None:
            return None
        self._seen.add(id(test))
        names = {t.rsplit(".", 1)[-1] for t in (*(a.target for a in layer.rule.apis), *(v.target for v in layer.rule.variants.values())) if t}
        exact = isinstance(test, cst.Comparison) and isinstance(test.comparisons[0].operator, cst.Equal)
        if not any(text == name if exact else text in name for name in names):
            # The converted layer's class is MindSpore's: this test stops matching it.
            ctx.report_kind(test, layer.rule, "name-test", test=code_of(test), names=", ".join(sorted(names)))
        fact = Fact(layer, False, ctx.position(test)[0], id(test), others=f"any class whose name matches {code_of(string)}")
        return self._narrow(test, subject, fact)

    def _alternatives(self, operation, subject, guard: Guard) -> bool:
        """`isinstance(m, A) or isinstance(m, B)`: when every alternative tests the same subject's class,
        the guard holds for the classes of all of them."""
        operands = _operands(operation, type(operation.operator))
        classes = []
        for operand in operands:
            operand = strip_parens(operand)
            found = None
            for candidate in _class_nodes(operand):
                found = self._class_test(candidate)
                if found is not None:
                    break
            if found is None or not _same(found[1], subject):
                return False
            self._seen.add(id(found[0]))
            classes += found[2]
        layers = [self.objects.layer_classes.get(id(strip_parens(c))) for c in classes]
        known = [l for l in layers if l is not None]
        others = ", ".join(code_of(c) for c, l in zip(classes, layers) if l is None)
        guard.fact = Fact(known[0], not others and same_kind(known), guard.fact.line, guard.fact.origin,
                          others=others or guard.fact.others)
        return True

    def _class_test(self, node):
        """(test, subject, class expressions) for isinstance / type comparisons around `node`."""
        found = self._class_test_at(node)
        if found is None:
            return None
        test, subject, classes = found
        expanded = []
        for cls in classes:  # a name bound once to a tuple of classes stands for its elements
            value = self._single_value(cls) if isinstance(cls, cst.Name) else None
            value = strip_parens(value) if value is not None else None
            expanded += [e.value for e in value.elements] if isinstance(value, (cst.Tuple, cst.List)) else [cls]
        return test, subject, expanded

    def _class_test_at(self, node):
        ctx = self.ctx
        parent = ctx.parent(node)
        classes = [node]
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.Tuple, cst.List)):
            container = ctx.parent(parent)
            classes = [e.value for e in container.elements]
            node, parent = container, ctx.parent(container)
        if isinstance(parent, cst.Arg):
            call = ctx.parent(parent)
            if (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "isinstance"
                    and len(call.args) == 2 and call.args[1] is parent and not call.args[0].star):
                return call, call.args[0].value, classes
            return None
        comparison = parent if isinstance(parent, cst.Comparison) else ctx.parent(parent) if isinstance(
            parent, cst.ComparisonTarget) else None
        if comparison is None or len(comparison.comparisons) != 1:
            return None
        operator = comparison.comparisons[0].operator
        if not isinstance(operator, (cst.Is, cst.Equal, cst.In)):
            return None
        other = comparison.left if comparison.comparisons[0].comparator is node else comparison.comparisons[0].comparator
        if isinstance(operator, cst.In) and other is not comparison.left:
            return None
        subject = self._type_subject(other)
        return (comparison, subject, classes) if subject is not None else None

    def _type_subject(self, node) -> cst.BaseExpression | None:
        """x from `type(x)`, `x.__class__`, or a name assigned once from one of those."""
        node = strip_parens(node)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "type" and len(node.args) == 1:
            return node.args[0].value
        if isinstance(node, cst.Attribute) and node.attr.value == "__class__":
            return node.value
        if isinstance(node, cst.Name):
            value = self._single_value(node)
            return self._type_subject(value) if value is not None and not isinstance(value, cst.Name) else None
        return None

    def _class_name_subject(self, node) -> cst.BaseExpression | None:
        """x from `x.__class__.__name__`, `type(x).__name__`, or a name assigned once from one of those."""
        node = strip_parens(node)
        if isinstance(node, cst.Attribute) and node.attr.value in ("__name__", "__qualname__"):
            return self._type_subject(node.value)
        if isinstance(node, cst.Name):
            value = self._single_value(node)
            return self._class_name_subject(value) if value is not None and not isinstance(value, cst.Name) else None
        return None

    def _single_value(self, name: cst.Name):
        scope = self.ctx.scopes.get(name)
        assignments = list(scope[name.value]) if scope is not None else []
        if len(assignments) != 1:
            return None
        target = assignments[0].node
        statement = self.ctx.parent(self.ctx.parent(target))
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and statement.targets[0].target is target:
            return statement.value
        return None

    def _string_test(self, string):
        """The test a class-name string takes part in, and the expression it is tested against."""
        ctx = self.ctx
        parent = ctx.parent(string)
        if isinstance(parent, cst.Arg):  # x.find('BatchNorm') / x.startswith(...)
            call = ctx.parent(parent)
            if (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                    and call.func.attr.value in ("find", "startswith", "endswith", "index", "count", "__contains__")):
                test = call
                outer = ctx.parent(call)
                if isinstance(outer, (cst.Comparison, cst.ComparisonTarget)):
                    test = outer if isinstance(outer, cst.Comparison) else ctx.parent(outer)
                return test, call.func.value
            return None, None
        comparison = parent if isinstance(parent, cst.Comparison) else ctx.parent(parent) if isinstance(
            parent, cst.ComparisonTarget) else None
        if comparison is None or len(comparison.comparisons) != 1:
            return None, None
        other = comparison.left if comparison.comparisons[0].comparator is string else comparison.comparisons[0].comparator
        operator = comparison.comparisons[0].operator
        if isinstance(operator, (cst.Equal, cst.In)):
            return comparison, other
        return None, None

    # -- where a test holds --
    def _narrow(self, test, subject, fact: Fact) -> Guard:
        ctx = self.ctx
        guard = Guard(subject, fact)
        node, positive = test, True
        while True:
            parent = ctx.parent(node)
            if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
                positive = not positive
            elif isinstance(parent, cst.BooleanOperation):
                if isinstance(parent.operator, cst.And) == positive:
                    if parent.left is node:
                        guard.regions.append(parent.right)  # `test and <here>` (`not test or <here>`)
                elif guard.fact is None or not self._alternatives(parent, subject, guard):
                    if guard.fact is None:
                        return guard
                    guard.fact = guard.fact.uncertain()  # `test or x`: x may be why the branch is taken
            elif not isinstance(parent, (cst.LeftParen, cst.RightParen)):
                break
            node = parent
        if isinstance(parent, (cst.If, cst.While)) and parent.test is node:
            if positive:
                guard.regions.append(parent.body)
            else:
                if isinstance(parent, cst.If) and isinstance(parent.orelse, cst.Else):
                    guard.regions.append(parent.orelse.body)
                if _exits(parent.body):
                    guard.regions.append(_after(ctx, parent))
        elif isinstance(parent, cst.IfExp) and parent.test is node:
            guard.regions.append(parent.body if positive else parent.orelse)
        elif isinstance(parent, cst.CompIf) and positive:
            comprehension = ctx.parent(parent)
            while comprehension is not None and not isinstance(comprehension, (cst.ListComp, cst.SetComp, cst.GeneratorExp,
                                                                               cst.DictComp)):
                comprehension = ctx.parent(comprehension)
            if comprehension is not None:
                for name in ("elt", "key", "value"):
                    if getattr(comprehension, name, None) is not None:
                        guard.regions.append(getattr(comprehension, name))
                for_in = ctx.parent(parent)
                if isinstance(for_in, cst.CompFor):
                    guard.regions += [i.test for i in for_in.ifs if i is not parent]
                if fact is not None and _same(strip_parens(comprehension.elt if hasattr(comprehension, "elt") else comprehension.key), subject):
                    self.objects.comprehension_facts[id(comprehension)] = fact
        elif isinstance(parent, cst.Assert) and parent.test is node and positive:
            guard.regions.append(_after(ctx, ctx.parent(parent)))
        return guard

    def loads(self, guard: Guard):
        """The reads of the subject inside the guard's regions, until it is assigned again."""
        subject = strip_parens(guard.subject)
        if not isinstance(subject, (cst.Name, cst.Attribute)):
            return
        text = code_of(subject)
        meaning = self._meaning(subject)
        for region in guard.regions:
            statements = region if isinstance(region, list) else list(getattr(region, "body", [region])) if isinstance(
                region, cst.BaseSuite) else [region]
            for statement in statements:
                stored = False
                for node in _walk(statement):
                    if isinstance(node, (cst.Name, cst.Attribute)) and code_of(node) == text and self._meaning(node) == meaning:
                        if _stores(self.ctx, node):
                            stored = True
                        else:
                            yield node
                if stored:
                    break

    def _meaning(self, node):
        """What a name reads (its possible assignments); for `self.x`, its text is enough."""
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return None
        scope = self.ctx.scopes.get(root)
        return frozenset(id(a) for a in scope[root.value]) if scope is not None else None


def _operands(node, operator) -> list:
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, operator):
        return _operands(node.left, operator) + _operands(node.right, operator)
    return [node]


def _class_nodes(test) -> list:
    """The expressions a type test compares its subject with: isinstance's second argument (or its
    elements), a comparison's other side."""
    if isinstance(test, cst.Call) and len(test.args) == 2:
        value = strip_parens(test.args[1].value)
        return [e.value for e in value.elements] if isinstance(value, (cst.Tuple, cst.List)) else [value]
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        other = strip_parens(test.comparisons[0].comparator)
        return [e.value for e in other.elements] if isinstance(other, (cst.Tuple, cst.List)) else [other, test.left]
    return []


def _same(node, subject) -> bool:
    return code_of(strip_parens(node)) == code_of(strip_parens(subject))


def _exits(body) -> bool:
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    last = statements[-1] if statements else None
    if isinstance(last, cst.SimpleStatementLine) or isinstance(last, cst.SimpleStatementSuite):
        return bool(last.body) and isinstance(last.body[-1], _EXITS)
    return False


def _after(ctx, statement) -> list:
    """The statements after `statement` in its block."""
    block = ctx.parent(statement)
    body = list(getattr(block, "body", ()))
    return body[body.index(statement) + 1:] if statement in body else []


def _stores(ctx, node) -> bool:
    parent = ctx.parent(node)
    return (isinstance(parent, cst.AssignTarget) or (isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is node)
            or (isinstance(parent, (cst.For, cst.CompFor)) and parent.target is node)
            or (isinstance(parent, cst.AsName)))


def _walk(node):
    """Nodes under `node`, not inside nested functions, classes or lambdas (their own scopes)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is not node and isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        stack.extend(reversed(current.children))
