"""Type tests that narrow an object to a converted layer, and where they hold.

``isinstance(m, nn.BatchNorm2d)`` (or a tuple of classes, an alias, a tuple constant),
``issubclass(type(m), ...)``, ``type(m) is nn.BatchNorm2d`` / ``==`` / ``in (...)`` and their
negations ``is not`` / ``!=`` / ``not in`` (also through ``t = type(m)``), ``m.__class__ is ...``,
``case nn.BatchNorm2d():``, and class-name tests (``classname.find('BatchNorm') != -1``,
``'BatchNorm' in type(m).__name__``, ``type(m).__name__ in ("BatchNorm2d", ...)``) each narrow
their subject. The narrowed region is the body of the ``if`` / ``while`` / ``case``, the rest of an
``and``, the taken branch of ``a if test else b``, a comprehension's element, the ``else`` of a
negated test, or the rest of the block after ``if not <test>: continue`` (or
``return``/``raise``/``break``; an ``elif`` when every earlier branch exits) or ``assert <test>``.
A function of the file that only returns such a test on its parameter (``def is_bn(m): return
isinstance(m, nn.BatchNorm2d)``) is a test too, at each of its calls. The region ends where the
subject may be bound again, in nested blocks and expressions too (``:=``).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

import libcst as cst

from bnport.classrefs import own_nodes, returns_of
from bnport.context import Context
from bnport.expressions import code_of, strip_parens
from bnport.layers import Fact, Layer, LayerObjects, same_kind

_EXITS = (cst.Continue, cst.Return, cst.Raise, cst.Break)
_NEGATED = (cst.IsNot, cst.NotEqual, cst.NotIn)
# What a string search returns when the string is not there: `find(...) != -1` means "found".
_ABSENT = {"find": -1, "rfind": -1, "index": -1, "rindex": -1, "count": 0}
_COMPARE = {cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt,
            cst.LessThanEqual: operator.le, cst.GreaterThan: operator.gt, cst.GreaterThanEqual: operator.ge}


@dataclass
class Guard:
    subject: cst.BaseExpression  # the narrowed expression, as written in the test
    fact: Fact | None  # None: narrowed to a class of the file, not to a layer
    regions: list = field(default_factory=list)  # nodes, or lists of statements (a block's tail)
    also: list = field(default_factory=list)  # guards the same test gives elsewhere (`case ... as b`, a predicate's calls)

    def all(self) -> list[Guard]:
        return [self, *(g for other in self.also for g in other.all())]


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
        test, subject, classes, positive = found
        if id(test) in self._seen:
            return None
        self._seen.add(id(test))
        fact = self._class_fact(test, classes)
        if fact is None:
            return None
        return self._narrow(test, subject, fact, positive)

    def _class_fact(self, test, classes) -> Fact | None:
        layers = [self.objects.layer_classes.get(id(strip_parens(c))) for c in classes]
        known = [l for l in layers if l is not None]
        if not known:
            return None
        others = ", ".join(code_of(c) for c, l in zip(classes, layers) if l is None)
        certain = not others and same_kind(known) and not any(id(strip_parens(c)) in self.objects.mixed_classes for c in classes)
        if not others and not certain:
            others = "a BatchNorm of another kind (BatchNorm3d keeps its state under bn2d)"
        return Fact(known[0], certain, self.ctx.position(test)[0], id(test), others=others)

    def from_owner(self, node: cst.BaseExpression) -> tuple[Guard, list] | None:
        """A type test with classes of this file (`isinstance(m, (Bottleneck, BasicBlock))`): m is an
        instance of one of them inside what the test guards. (The guard, the class expressions.)"""
        found = self._class_test(node)
        if found is None or id(found[0]) in self._seen:
            return None
        test, subject, classes, positive = found
        self._seen.add(id(test))
        return self._narrow(test, subject, None, positive), classes

    def from_name_string(self, string: cst.SimpleString, candidates: tuple[str, ...], layer: Layer) -> Guard | None:
        """A class-name test: `<x>.__class__.__name__` / `type(x).__name__` compared with, searched
        for, or looked up in a tuple of strings naming a BatchNorm class. It may match other classes
        too: uncertain. A string that names another class (`"FrozenBatchNorm2d"`) is no such test."""
        ctx = self.ctx
        found = self._string_test(string)
        if found is None:
            return None
        test, other, strings, exact, positive = found
        if id(test) in self._seen:
            return None
        subject = self._class_name_subject(other)
        if subject is None:
            return None
        texts = []
        for node in strings:
            try:
                text = node.evaluated_value
            except (ValueError, SyntaxError):
                return None
            if isinstance(text, str):
                texts.append(text)
        # `candidates`: the class names a converted layer may have (the source classes, the file's subclasses)
        matching = [t for t in texts if any(t == c if exact else len(t) >= 6 and t in c for c in candidates)]
        if not matching:
            return None
        self._seen.add(id(test))
        names = {t.rsplit(".", 1)[-1] for t in (*(a.target for a in layer.rule.apis), *(v.target for v in layer.rule.variants.values())) if t}
        names |= {k.name.value for k in self.objects._all_classes() if self.objects.subclass_layer(k) is not None}
        if not any(text == name if exact else text in name for text in texts for name in names):
            # The converted layer's class is MindSpore's: this test stops matching it.
            ctx.report_kind(test, layer.rule, "name-test", test=code_of(test), names=", ".join(sorted(names)))
        shown = " or ".join(code_of(s) for s in strings if s.evaluated_value in matching)
        fact = Fact(layer, False, ctx.position(test)[0], id(test), others=f"any class whose name matches {shown}")
        return self._narrow(test, subject, fact, positive)

    def _alternatives(self, operation, subject, guard: Guard, positive: bool) -> bool:
        """`isinstance(m, A) or isinstance(m, B)` (`type(m) is not A and type(m) is not B` negated):
        when every alternative tests the same subject's class the same way, the guard holds for the
        classes of all of them."""
        operands = _operands(operation, type(operation.operator))
        classes = []
        for operand in operands:
            operand, polarity = _without_not(operand)
            found = None
            for candidate in _class_nodes(operand):
                found = self._class_test(candidate)
                if found is not None:
                    break
            if found is None or not _same(found[1], subject) or (found[3] == polarity) != positive:
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
        """(test, subject, class expressions, positive) for isinstance / type comparisons / class
        patterns around `node`; positive is False for `is not`, `!=`, `not in`."""
        found = self._class_test_at(node)
        if found is None:
            return None
        test, subject, classes, positive = found
        return test, subject, [c for cls in classes for c in self._expanded(cls, 0)], positive

    def _expanded(self, cls, depth: int) -> list:
        """A name bound once to a tuple of classes stands for its elements (`*OTHER` ones included)."""
        value = self._single_value(cls) if isinstance(cls, cst.Name) and depth < 5 else None
        value = strip_parens(value) if value is not None else None
        if not isinstance(value, (cst.Tuple, cst.List)):
            return [cls]
        return [c for e in value.elements for c in self._expanded(e.value, depth + 1)]

    def _class_test_at(self, node):
        ctx = self.ctx
        parent = ctx.parent(node)
        if isinstance(parent, cst.MatchClass) and parent.cls is node:
            return self._class_pattern(parent)
        classes = [node]
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.Tuple, cst.List)):
            container = ctx.parent(parent)
            classes = [e.value for e in container.elements]
            node, parent = container, ctx.parent(container)
        if isinstance(parent, cst.Arg):
            call = ctx.parent(parent)
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and len(call.args) == 2
                    and call.args[1] is parent and not call.args[0].star):
                return None
            if call.func.value == "isinstance":
                return call, call.args[0].value, classes, True
            if call.func.value == "issubclass":  # issubclass(type(m), C) is isinstance(m, C)
                subject = self._type_subject(call.args[0].value)
                return (call, subject, classes, True) if subject is not None else None
            return None
        comparison = parent if isinstance(parent, cst.Comparison) else ctx.parent(parent) if isinstance(
            parent, cst.ComparisonTarget) else None
        if comparison is None or len(comparison.comparisons) != 1:
            return None
        operator_ = comparison.comparisons[0].operator
        if not isinstance(operator_, (cst.Is, cst.Equal, cst.In, *_NEGATED)):
            return None
        other = comparison.left if comparison.comparisons[0].comparator is node else comparison.comparisons[0].comparator
        if isinstance(operator_, (cst.In, cst.NotIn)) and other is not comparison.left:
            return None
        subject = self._type_subject(other)
        return (comparison, subject, classes, not isinstance(operator_, _NEGATED)) if subject is not None else None

    def _class_pattern(self, pattern: cst.MatchClass):
        """`case nn.BatchNorm2d():` (also `case A() | B():`, `case A() as b:`): the match subject is an
        instance of the class in the case. A class pattern nested in another pattern tests something else."""
        ctx = self.ctx
        node = pattern
        parent = ctx.parent(node)
        classes = [pattern.cls]
        if isinstance(parent, cst.MatchOrElement):
            either = ctx.parent(parent)
            classes = [e.pattern.cls if isinstance(e.pattern, cst.MatchClass) else e.pattern for e in either.patterns]
            node, parent = either, ctx.parent(either)
        if isinstance(parent, cst.MatchAs) and parent.pattern is node:
            node, parent = parent, ctx.parent(parent)
        if not (isinstance(parent, cst.MatchCase) and parent.pattern is node):
            return None
        match = ctx.parent(parent)
        return (parent, match.subject, classes, True) if isinstance(match, cst.Match) else None

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
        """(test, the expression tested, the strings it tests with, exact, positive) for a
        class-name string; exact: the name must equal one of the strings, else contain it."""
        ctx = self.ctx
        parent = ctx.parent(string)
        if isinstance(parent, cst.Arg):  # x.find('BatchNorm') / x.startswith(...)
            call = ctx.parent(parent)
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                    and call.func.attr.value in ("find", "rfind", "index", "rindex", "count", "startswith", "endswith",
                                                 "__contains__")):
                return None
            method = call.func.attr.value
            outer = ctx.parent(call)
            comparison = outer if isinstance(outer, cst.Comparison) else ctx.parent(outer) if isinstance(
                outer, cst.ComparisonTarget) else None
            if method not in _ABSENT:
                return (call, call.func.value, [string], False, True) if comparison is None else None
            positive = _found(comparison, call, _ABSENT[method]) if comparison is not None else None
            return (comparison, call.func.value, [string], False, positive) if positive is not None else None
        strings = [string]
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.Tuple, cst.List, cst.Set)):
            # `type(m).__name__ in ("BatchNorm2d", "SyncBatchNorm")`
            container = ctx.parent(parent)
            if not all(isinstance(e.value, cst.SimpleString) for e in container.elements):
                return None
            strings = [e.value for e in container.elements]
            string, parent = container, ctx.parent(container)
        comparison = parent if isinstance(parent, cst.Comparison) else ctx.parent(parent) if isinstance(
            parent, cst.ComparisonTarget) else None
        if comparison is None or len(comparison.comparisons) != 1:
            return None
        operator_ = comparison.comparisons[0].operator
        on_left = comparison.left is string
        other = comparison.comparisons[0].comparator if on_left else comparison.left
        if isinstance(operator_, (cst.Equal, cst.NotEqual)) and len(strings) == 1 and string is strings[0]:
            return comparison, other, strings, True, isinstance(operator_, cst.Equal)
        if isinstance(operator_, (cst.In, cst.NotIn)):
            if on_left and len(strings) == 1:  # 'BatchNorm' in type(m).__name__
                return comparison, other, strings, False, isinstance(operator_, cst.In)
            if not on_left and string is not strings[0]:  # type(m).__name__ in (...)
                return comparison, other, strings, True, isinstance(operator_, cst.In)
        return None

    # -- where a test holds --
    def _narrow(self, test, subject, fact: Fact, positive: bool = True) -> Guard:
        ctx = self.ctx
        guard = Guard(subject, fact)
        if isinstance(test, cst.MatchCase):
            guard.regions.append([r for r in (test.guard, test.body) if r is not None])
            if isinstance(test.pattern, cst.MatchAs) and test.pattern.name is not None:  # `case BN() as b:`
                guard.also.append(Guard(test.pattern.name, fact, list(guard.regions)))
            return guard
        node = test
        while True:
            parent = ctx.parent(node)
            if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
                positive = not positive
            elif isinstance(parent, cst.BooleanOperation):
                if isinstance(parent.operator, cst.And) == positive:
                    if parent.left is node:
                        guard.regions.append(parent.right)  # `test and <here>` (`not test or <here>`)
                elif guard.fact is None or not self._alternatives(parent, subject, guard, positive):
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
                if isinstance(parent, cst.If) and parent.orelse is not None:
                    # `else:` and every `elif` after it run with the test false
                    guard.regions.append(parent.orelse.body if isinstance(parent.orelse, cst.Else) else parent.orelse)
                if isinstance(parent, cst.If) and _exits(parent.body):
                    guard.regions.append(self._tail(parent, subject))
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
                kept = comprehension.value if isinstance(comprehension, cst.DictComp) else comprehension.elt
                if guard.fact is not None and _same(strip_parens(kept), subject):  # what the comprehension collects
                    self.objects.comprehension_facts[id(comprehension)] = guard.fact
        elif isinstance(parent, cst.Lambda) and parent.body is node and positive:
            # `filter(lambda m: isinstance(m, BN), ms)`: the elements filter lets through
            arg = ctx.parent(parent)
            call = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
            params = parent.params.params
            if (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value == "filter"
                    and len(call.args) == 2 and call.args[0] is arg and len(params) == 1 and guard.fact is not None
                    and _same(subject, params[0].name)):
                self.objects.comprehension_facts[id(call)] = guard.fact
                self.objects.filters.append(call)
        elif isinstance(parent, cst.Assert) and parent.test is node and positive:
            guard.regions.append(_after(ctx, ctx.parent(parent)))
        elif isinstance(parent, cst.Return) and parent.value is node:
            guard.also += self._predicate(parent, subject, fact, positive)
        return guard

    def _tail(self, statement: cst.If, subject) -> list:
        """The statements after `if not <test>: <exit>`, reached only with the test false: for an
        `elif`, every earlier branch must exit too, and no later branch may bind the subject again."""
        ctx = self.ctx
        top = statement
        while isinstance(ctx.parent(top), cst.If) and ctx.parent(top).orelse is top:
            top = ctx.parent(top)
            if not _exits(top.body):
                return []
        later = statement.orelse
        if later is not None and self._binds(later, subject):
            return []
        return _after(ctx, top)

    def _binds(self, node, subject) -> bool:
        scan = _Scan(self.ctx, code_of(strip_parens(subject)), self._meaning(strip_parens(subject)), self._meaning)
        return scan.node(node)

    def _predicate(self, statement: cst.Return, subject, fact: Fact | None, positive: bool) -> list[Guard]:
        """`def is_bn(m): return isinstance(m, nn.BatchNorm2d)`: each call `is_bn(x)` tests x. Its other
        returns, if any, must give the answer that does not narrow (`return False` for a positive
        test), and the parameter must not be bound again."""
        ctx = self.ctx
        function = ctx.parent(statement)
        while function is not None and not isinstance(function, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            function = ctx.parent(function)
        subject = strip_parens(subject)
        if not isinstance(function, cst.FunctionDef) or not isinstance(subject, cst.Name) or function.asynchronous:
            return []
        param = next((p for p in function.params.params if p.name.value == subject.value), None)
        scope = ctx.scopes.get(subject)
        if param is None or scope is None or [a.node for a in scope[subject.value]] != [param]:
            return []
        for other in returns_of(function):
            if other is statement:
                continue
            value = other.value
            truth = False if value is None else {"True": True, "False": False, "None": False}.get(
                value.value) if isinstance(value, cst.Name) else None
            if truth is None or truth == positive:
                return []
        if any(isinstance(n, (cst.Yield, cst.Await)) for n in own_nodes(function.body)):
            return []
        calls = self.objects._calls_of(function)
        guards = []
        for call in calls or ():
            arg = _argument_for(function, call, param)
            if arg is None or id(call) in self._seen:
                continue
            self._seen.add(id(call))
            at = Fact(fact.layer, fact.certain, ctx.position(call)[0], id(call), others=fact.others) if fact else None
            guards.append(self._narrow(call, arg, at, positive))
        return guards

    def loads(self, guard: Guard):
        """The reads of the subject inside the guard's regions, until it may be assigned again."""
        subject = strip_parens(guard.subject)
        if not isinstance(subject, (cst.Name, cst.Attribute)):
            return
        scan = _Scan(self.ctx, code_of(subject), self._meaning(subject), self._meaning)
        for region in guard.regions:
            if isinstance(region, list):
                scan.block(region)
            else:
                scan.node(region)
        yield from scan.found

    def _meaning(self, node):
        """What a name reads (its possible assignments); for `self.x`, its text is enough."""
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return None
        scope = self.ctx.scopes.get(root)
        return frozenset(id(a) for a in scope[root.value]) if scope is not None else None


class _Scan:
    """The reads of one expression (a name, `self.bn`) in evaluation order, stopping where it may be
    bound again: after a store in a nested block the rest of the enclosing blocks is not narrowed,
    and a loop that stores it is not narrowed at all (its next pass reads the new value)."""

    def __init__(self, ctx, text: str, meaning, meaning_of):
        self.ctx, self.text, self.meaning, self.meaning_of = ctx, text, meaning, meaning_of
        self.found: list[cst.CSTNode] = []

    def block(self, statements) -> bool:
        return any(self.node(s) for s in statements)

    def node(self, node) -> bool:
        """Scan node; True if it may bind the subject again (what follows is not narrowed)."""
        if isinstance(node, (cst.Name, cst.Attribute)) and code_of(node) == self.text and self.meaning_of(node) == self.meaning:
            if _is_store(self.ctx, node):
                return True
            self.found.append(node)
            return False
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False  # their own scopes
        if isinstance(node, cst.Assign):
            return self.node(node.value) or any(self.node(t) for t in node.targets)
        if isinstance(node, cst.AnnAssign):
            # `m: nn.BatchNorm2d` without a value binds nothing
            return node.value is not None and (self.node(node.value) or self.node(node.target))
        if isinstance(node, (cst.AugAssign, cst.NamedExpr)):
            return self.node(node.value) or self.node(node.target)
        if isinstance(node, (cst.For, cst.While)):
            mark = len(self.found)
            if isinstance(node, cst.For) and self.node(node.iter):
                return True
            parts = [node.target, node.body] if isinstance(node, cst.For) else [node.test, node.body]
            if any(self.node(p) for p in parts):
                del self.found[mark:]
                return True
            return node.orelse is not None and self.node(node.orelse)
        if isinstance(node, cst.If):
            if self.node(node.test):
                return True
            taken = self.node(node.body)  # the branches are exclusive: each starts from the test
            return (node.orelse is not None and self.node(node.orelse)) or taken
        if isinstance(node, cst.Match):
            if self.node(node.subject):
                return True
            return any([self.block([case.pattern, case.guard, case.body] if case.guard else [case.pattern, case.body])
                        for case in node.cases])
        if isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite, cst.SimpleStatementLine, cst.Module)):
            return self.block(node.body)
        return any(self.node(child) for child in node.children)


def _is_store(ctx, node) -> bool:
    """Whether node is bound here (also inside a tuple target, `:=`, `as`, a pattern capture, `del`)."""
    parent = ctx.parent(node)
    while isinstance(parent, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
        node, parent = parent, ctx.parent(parent)
    if isinstance(parent, (cst.AssignTarget, cst.AsName, cst.Del)):
        return True
    if isinstance(parent, cst.AnnAssign):
        return parent.target is node and parent.value is not None
    if isinstance(parent, (cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor)):
        return parent.target is node
    return isinstance(parent, (cst.MatchAs, cst.MatchStar)) and parent.name is node


def _found(comparison: cst.Comparison, call: cst.Call, absent: int) -> bool | None:
    """`name.find('BatchNorm') != -1` is true only if found (True); `== -1` only if not (False): the
    comparison's value when the search fails says which. None: not a comparison with a number."""
    if len(comparison.comparisons) != 1:
        return None
    target = comparison.comparisons[0]
    compare = _COMPARE.get(type(target.operator))
    on_left = strip_parens(comparison.left) is call
    number = _integer(target.comparator if on_left else comparison.left)
    if compare is None or number is None:
        return None
    return not (compare(absent, number) if on_left else compare(number, absent))


def _integer(node) -> int | None:
    node = strip_parens(node)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        value = _integer(node.expression)
        return -value if value is not None else None
    if isinstance(node, cst.Integer):
        try:
            return int(node.evaluated_value)
        except ValueError:
            return None
    return None


def _without_not(node) -> tuple[cst.BaseExpression, bool]:
    """The expression under any `not`s, and whether they cancel out."""
    node, positive = strip_parens(node), True
    while isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        node, positive = strip_parens(node.expression), not positive
    return node, positive


def _argument_for(function: cst.FunctionDef, call: cst.Call, param: cst.Param):
    params = list(function.params.params)
    position = params.index(param)
    for index, arg in enumerate(call.args):
        if arg.star:
            return None
        if (arg.keyword is not None and arg.keyword.value == param.name.value) or (arg.keyword is None and index == position):
            return arg.value
    return None


def _operands(node, operator_) -> list:
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, operator_):
        return _operands(node.left, operator_) + _operands(node.right, operator_)
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
    body = getattr(block, "body", ())
    body = list(body) if isinstance(body, (list, tuple)) else []
    return body[body.index(statement) + 1:] if statement in body else []
