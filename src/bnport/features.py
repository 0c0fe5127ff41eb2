"""What Keras infers when a layer is built: the channel count a BatchNormalization normalises,
and the rank of its input, read from the layers before it as the code shows them.

MindSpore needs ``num_features`` in the constructor and a class per rank (BatchNorm1d/2d/3d).
bnport follows the input back
- in a functional chain: ``x = Conv2D(64, 3)(x)`` then ``BatchNormalization()(x)``, through earlier
  statements of the same block and of the ``if``/``with`` blocks around it (not out of a loop or a
  function); a name assigned in the branches of an ``if`` is either value (``Either``);
- in a list: ``Sequential([Input((8,)), Dense(16), BatchNormalization()])``;
- in a ``model.add(...)`` chain, from the statement that creates the model; a statement that uses the
  model otherwise (a loop, a helper it is passed to) makes the layers before it unknown;
- where a built layer is applied: ``self.bn = BatchNormalization()`` and ``x = self.bn(self.conv(x))``;
- to ``Input(shape=...)``, an ``input_shape=`` argument, or ``int_shape(x)[axis]`` read in the function.

A shape is a rank (batch included) and the sizes of the axes the code shows. How each layer maps
its input's shape to its output's is data (rules/keras.toml ``[rule.infer.layers]``, a `kind` per
layer), checked against Keras itself. A size is copied as code (``4 * filters``) only where it means
the same at the BatchNormalization: its names are bound the same and not reassigned in between,
``self.<attr>`` is assigned before, and it calls nothing that may give another value a second time.
Where the layout depends on Keras' configured data format and the file reads or sets it, both layouts
are followed and only what is the same in both is kept. Anything less than certain is reported: the
caller writes a placeholder with an error (or, with the count known and the rank not, an error on
the class it chose).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import libcst as cst

from bnport.classrefs import ClassFlow
from bnport.context import Context
from bnport.expressions import code_of, int_literal, strip_parens
from bnport.rules import Infer, LayerShape

_MAX_STEPS = 400  # shape steps per BatchNormalization and layout: a longer chain is not followed
FORMATS = ("channels_last", "channels_first")  # Keras' default first
_PURE_BUILTINS = frozenset({"int", "float", "round", "min", "max", "abs", "len", "sum", "bool", "divmod", "pow"})
_PURE_MATH = frozenset({"ceil", "floor", "sqrt", "trunc", "prod", "log", "log2", "exp"})


@dataclass(frozen=True)
class Size:
    """The size of one axis, as code that can be written where the BatchNormalization is built."""

    code: str
    value: int | None = None  # the value, when it is an integer literal
    reads: tuple = ()  # (expression, the node where it is read): each must mean the same at the site

    @staticmethod
    def literal(value: int) -> Size:
        return Size(str(value), value)


@dataclass(frozen=True)
class Shape:
    """A tensor's rank (batch included) and the sizes the code shows, by axis. With the rank unknown,
    an axis may be counted from the end (negative), as Dense knows only its last axis."""

    rank: int | None
    sizes: tuple[tuple[int, Size], ...] = ()
    min_rank: int | None = None  # a lower bound, when the rank is unknown

    @staticmethod
    def make(rank: int | None, sizes: dict[int, Size], min_rank: int | None = None) -> Shape:
        if rank is not None:
            sizes = {(k + rank if k < 0 else k): v for k, v in sizes.items()}
            sizes = {k: v for k, v in sizes.items() if 1 <= k < rank}
        return Shape(rank, tuple(sorted(sizes.items())), None if rank is not None else min_rank)

    @property
    def by_axis(self) -> dict[int, Size]:
        return dict(self.sizes)

    def size(self, axis: int) -> Size | None:
        if self.rank is not None and axis < 0:
            axis += self.rank
        return self.by_axis.get(axis)

    def at_rank(self, rank: int) -> Shape:
        """This shape as the input of a layer that takes exactly `rank` dimensions."""
        return Shape.make(rank, self.by_axis) if self.rank is None else self


@dataclass(frozen=True)
class Either:
    """A tensor assigned in the branches of an ``if``: one shape or the other."""

    test: cst.BaseExpression
    where: cst.CSTNode  # the if statement
    yes: object  # Shape | Either | None
    no: object


@dataclass(frozen=True)
class _EitherValue:
    test: cst.BaseExpression
    where: cst.CSTNode
    yes: object  # expression | _EitherValue | _UNKNOWN | None
    no: object


_UNKNOWN = object()  # assigned, but not in a way bnport follows
_FRESH = object()  # a sequence of layers that starts here (a list, a new model)


@dataclass(frozen=True)
class Sizing:
    """What bnport can say about the input of one BatchNormalization."""

    count: str | None  # num_features, as code; None when not certain
    rank: int | None  # the input's rank, when certain
    class_rank: int | None  # the rank that chooses the class (the lower bound when the rank is not known)
    problem: tuple[str, dict] | None = None  # (infer message key, values) when count is None


@dataclass
class _Bound:
    """A call's arguments by parameter name; `hidden`: some may hide in *args, **kwargs or extra positionals."""

    args: dict[str, cst.BaseExpression] = field(default_factory=dict)
    hidden: bool = False

    def get(self, name: str) -> cst.BaseExpression | None:
        return self.args.get(name)

    def absent(self, name: str) -> bool:
        """Certainly not given (so its default applies)."""
        return name not in self.args and not self.hidden


class Shapes:
    def __init__(self, ctx: Context, flow: ClassFlow, infer: Infer):
        self.ctx, self.flow, self.infer = ctx, flow, infer
        self._steps = 0
        self.fmt = FORMATS[0]
        self._reasons: list[str] = []
        self._formats: tuple[str, ...] | None = None
        self._classes: dict[str, cst.ClassDef] | None = None
        self._pure: dict[str, bool] = {}

    # -- the entry point --
    def sizing(self, call: cst.Call) -> Sizing:
        """num_features and the input rank of the layer `call` builds, where the code makes them certain."""
        self._reasons = []
        found = []  # per layout: (axis, input shapes, count, rank, lower bound of the rank)
        for fmt in self.formats():
            self.fmt, self._steps = fmt, 0
            shapes = self._input_of_constructor(call)
            axis = self._axis_of(call)
            count = _agreed([_size_in(s, axis) for s in shapes]) if axis is not None and shapes else None
            found.append((axis, shapes, count, _agreed_value([_rank_of(s) for s in shapes]),
                          _agreed_value([_min_rank_of(s) for s in shapes])))
        counts = [f[2] for f in found]
        count = counts[0] if all(c is not None for c in counts) and len({c.code for c in counts}) == 1 else None
        if count is None and any(c is not None for c in counts):
            self._reasons.insert(0, "this file reads or sets Keras' data format (image_data_format), and the count "
                                    "differs between channels_last and channels_first")
        rank = _agreed_value([f[3] for f in found])
        min_rank = _agreed_value([f[4] for f in found])
        class_rank = rank if rank is not None else min_rank
        if count is not None:
            problem = self._copyable(count, call)
            if problem is None:
                return Sizing(count.code, rank, class_rank)
            line, reason = problem
            return Sizing(None, rank, class_rank, ("not_copyable", {"count": count.code, "line": line, "reason": reason}))
        return Sizing(None, rank, class_rank, self._problem(call, found[0]))

    def formats(self) -> tuple[str, ...]:
        """The data formats to follow: the default, and channels_first too where the file reads or sets it
        (by any spelling, also through a module bnport cannot resolve: `backend.image_data_format()`)."""
        if self._formats is None:
            mentioned = any(isinstance(node, cst.Attribute) and node.attr.value in _FORMAT_NAMES
                            or isinstance(node, cst.Name) and node.value in _FORMAT_NAMES for node in self.ctx.scopes)
            set_to = self._format_set_at_top()
            self._formats = (set_to,) if set_to else FORMATS if mentioned else FORMATS[:1]
        return self._formats

    def _format_set_at_top(self) -> str | None:
        """`keras.backend.set_image_data_format("channels_first")` as a statement of the module, and no other
        call of a setter anywhere: that format."""
        calls = [node for node in self.ctx.scopes if isinstance(node, cst.Call)
                 and self.ctx.name_of(node.func) in self.infer.format_setters]
        if len(calls) != 1 or len(calls[0].args) != 1 or not isinstance(calls[0].args[0].value, cst.SimpleString):
            return None
        statement = self.ctx.parent(self.ctx.parent(calls[0]))
        if not (isinstance(self.ctx.parent(calls[0]), cst.Expr) and isinstance(self.ctx.parent(statement), cst.Module)):
            return None
        value = _string(calls[0].args[0].value)
        return value if value in FORMATS else None

    def _problem(self, call: cst.Call, found) -> tuple[str, dict]:
        axis, shapes = found[0], found[1]
        if axis is None:
            return "uncertain", {"reason": "the normalised axis is decided at run time here, so which axis' size "
                                           "num_features is cannot be told"}
        if self._reasons:
            return "uncertain", {"reason": self._reasons[0]}
        branches = next((shape for shape in shapes if isinstance(shape, Either)), None)
        if branches is not None:
            return "uncertain", {"reason": f"the input depends on the if on line {self._line(branches.where)}, and the "
                                           f"code does not show its size on every path"}
        known = [s for s in shapes if s is not None and s.sizes]
        if known:
            shape = known[0]
            given = _bind(call, ("axis",)).get("axis")
            return "other_axis", {
                "axis": f"axis={code_of(given)}" if given is not None else "the default axis -1",
                "rank": f"{shape.rank}-D " if shape.rank is not None else "",
                "known": ", ".join(f"axis {k}: {v.code}" for k, v in shape.sizes)}
        return "unknown", {}

    # -- where a BatchNormalization's input comes from --
    def _input_of_constructor(self, call: cst.Call) -> list:
        ctx = self.ctx
        parent = ctx.parent(call)
        if isinstance(parent, cst.Call) and parent.func is call:  # built and applied at once
            return [self._of_input(_first_arg(parent), parent)]
        if isinstance(parent, cst.Element) and isinstance(ctx.parent(parent), (cst.List, cst.Tuple)):
            elements = ctx.parent(parent).elements
            index = next(i for i, e in enumerate(elements) if e is parent)
            return [self._of_sequence([e.value for e in elements[:index]], _FRESH)]
        if isinstance(parent, cst.Arg):
            chain = self._add_chain(ctx.parent(parent), parent)
            if chain is not None:
                layers, start = chain
                return [self._of_sequence(layers, start)]
        if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is call:
            targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
            if len(targets) == 1:
                return self._of_applications(targets[0])
        return []

    def _of_sequence(self, before: list, start=None):
        """The output shape of the last of `before`, applied in order to what comes first: `start` is
        _FRESH (a new model or a list: its first layer may declare the input), None (layers may come
        before, out of sight), or a string (why the layers before are not certain)."""
        if not before:
            if isinstance(start, str):
                self._reasons.append(start)
            return None
        first = len(before) == 1 and start is _FRESH  # Keras reads input_shape= on the first layer only
        return self._of_layer(before[-1], lambda: self._of_sequence(before[:-1], start), declared=first)

    def _add_chain(self, call, arg):
        """`model.add(<layer>)`: the layers added to the same model before it, and how the model began."""
        if not (isinstance(call, cst.Call) and call.args and call.args[0] is arg and arg.keyword is None and not arg.star
                and isinstance(call.func, cst.Attribute) and call.func.attr.value == "add"
                and isinstance(call.func.value, cst.Name)):
            return None
        receiver = call.func.value.value
        statement = self._statement_of(call)
        layers: list = []
        start: object = None
        for earlier, boundary in self._before(statement):
            if boundary is not None:
                if boundary != "a function":  # a model made outside the function is simply not seen
                    layers, start = [], f"{receiver}.add(...) is inside {boundary}, so the layers before it are not certain"
                continue
            if receiver not in _read_names(earlier) and receiver not in _stored_names(earlier):
                continue
            line = self._line(earlier)
            small = earlier.body[0] if isinstance(earlier, cst.SimpleStatementLine) and len(earlier.body) == 1 else None
            value = small.value if isinstance(small, cst.Expr) else None
            method = value.func.attr.value if (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                                               and isinstance(value.func.value, cst.Name)
                                               and value.func.value.value == receiver) else None
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name) \
                    and small.targets[0].target.value == receiver:
                layers, start = _listed_layers(small.value), _FRESH  # a new model under the same name
            elif method == "add" and len(value.args) == 1 and value.args[0].keyword is None and not value.args[0].star:
                layers.append(value.args[0].value)
            elif method == "pop" and not value.args and layers:
                layers.pop()
            elif method in self.infer.keeps_layers:
                continue
            else:
                layers, start = [], (f"{receiver} is used on line {line} ({_short(earlier)}), which may add or "
                                     f"remove layers, so the layers before this one are not certain")
        return layers, start

    def _of_applications(self, target) -> list:
        """The input shapes where a built layer object is applied (every one must agree)."""
        shapes = []
        for use in self._uses(target):
            parent = self.ctx.parent(use)
            if isinstance(parent, cst.Call) and parent.func is use:
                shapes.append(self._of_input(_first_arg(parent), parent))
        return shapes

    def _uses(self, target) -> list[cst.CSTNode]:
        ctx = self.ctx
        if isinstance(target, cst.Name):
            scope = ctx.scopes.get(target)
            assignments = scope.assignments[target.value] if scope is not None else ()
            if len(assignments) != 1:
                return []
            return [access.node for assignment in assignments for access in assignment.references]
        if _is_self_attribute(target):
            klass = self.flow.enclosing_class(target)
            nodes = self.flow.self_attributes(klass).get(target.attr.value, []) if klass is not None else []
            if sum(self.flow.is_store(n) for n in nodes) != 1:
                return []
            return [n for n in nodes if not self.flow.is_store(n)]
        return []

    # -- layers and tensors --
    def _step(self) -> bool:
        self._steps += 1
        return self._steps <= _MAX_STEPS

    def _of_layer(self, layer, input_shape: Callable, declared: bool = False):
        """The output shape of a layer (a constructor call, or a name or self.<attr> assigned one),
        given a way to learn its input's. `declared`: in a Sequential, where input_shape= counts."""
        if not self._step():
            return None
        constructor = layer if isinstance(layer, cst.Call) else self._constructor_of(layer)
        if constructor is None:
            return None
        name = self.ctx.name_of(constructor.func) or ""
        entry = self.infer.layers.get(name)
        if entry is None:
            found = self.ctx.ruleset.by_source.get(name)
            if found is not None and found[0].infer is self.infer:  # another BatchNormalization
                return input_shape()
            return None
        args = _bind(constructor, entry.signature)
        if declared and entry.kind != "input":
            given = self._declared_input(constructor)
            if given is not None:
                input_shape = lambda: given  # noqa: E731 - the first layer of a Sequential
        return self._apply(entry, args, input_shape, constructor)

    def _of_input(self, tensor, at: cst.CSTNode):
        """The shape of a tensor expression used at `at`."""
        if tensor is None or not self._step():
            return None
        tensor = strip_parens(tensor)
        if isinstance(tensor, cst.Call):
            name = self.ctx.name_of(tensor.func) or ""
            entry = self.infer.layers.get(name)
            if entry is not None and entry.function:  # `layers.add([x, y])`, `keras.Input(shape=...)`
                args = _bind(tensor, entry.signature)
                inputs = args.get("inputs")
                return self._apply(entry, args, lambda: self._inputs(inputs, tensor), tensor)
            first = _first_arg(tensor)
            return self._of_layer(tensor.func, lambda: self._inputs(first, tensor))
        if isinstance(tensor, cst.Name):
            return self._shape_of_value(self._previous_value(tensor.value, at), tensor, at)
        return None

    def _inputs(self, value, at):
        """One input's shape, or a list of shapes for a list of inputs (merges)."""
        if value is None:
            return None
        value = strip_parens(value)
        if isinstance(value, (cst.List, cst.Tuple)):
            if any(isinstance(e, cst.StarredElement) for e in value.elements):
                return None
            return [self._of_input(e.value, at) for e in value.elements]
        return self._of_input(value, at)

    def _shape_of_value(self, value, tensor: cst.Name, at):
        if value is None:  # not assigned before in this function: a parameter, or a name from outside
            return self._probed(tensor, at)
        if value is _UNKNOWN:
            return None
        if isinstance(value, _EitherValue):
            return _either(value.test, value.where, self._shape_of_value(value.yes, tensor, value.where),
                           self._shape_of_value(value.no, tensor, value.where))
        return self._of_input(value, value)

    def _constructor_of(self, layer) -> cst.Call | None:
        """The constructor call a name or `self.<attr>` is assigned from, if it is assigned once."""
        if isinstance(layer, cst.Name):
            value = self._single_value(layer)
        elif _is_self_attribute(layer):
            klass = self.flow.enclosing_class(layer)
            nodes = self.flow.self_attributes(klass).get(layer.attr.value, []) if klass is not None else []
            stores = [n for n in nodes if self.flow.is_store(n)]
            value = _assigned_value(self.ctx, stores[0]) if len(stores) == 1 else None
            if value is not None:
                other = self._assigned_in_related_class(klass, layer.attr.value)
                if other is not None:
                    self._reasons.append(f"self.{layer.attr.value} is assigned again in class {other[0]} (line {other[1]}), "
                                         f"so the layer it holds is not certain")
                    return None
        else:
            value = None
        return value if isinstance(value, cst.Call) else None

    def _single_value(self, name: cst.Name) -> cst.BaseExpression | None:
        scope = self.ctx.scopes.get(name)
        if scope is None:
            return None
        assignments = list(scope[name.value])
        if len(assignments) != 1 or not isinstance(getattr(assignments[0], "node", None), cst.Name):
            return None
        return _assigned_value(self.ctx, assignments[0].node)

    def _declared_input(self, constructor: cst.Call):
        """`Dense(8, input_shape=(6, 3))`: the input a Sequential's first layer declares."""
        for arg in constructor.args:
            if arg.keyword is None or arg.keyword.value not in self.infer.declared_input:
                continue
            meaning = self.infer.declared_input[arg.keyword.value]
            if meaning == "size":
                return Shape.make(2, {1: self._size(arg.value, constructor)})
            return self._shape_literal(arg.value, constructor, batch=meaning == "batch_shape")
        return None

    # -- what each kind of layer does to a shape (rules/keras.toml documents the kinds) --
    def _apply(self, entry: LayerShape, args: _Bound, input_shape: Callable, where: cst.Call):
        kind = entry.kind
        if kind == "input":
            for keyword, batch in (("shape", False), ("batch_shape", True), ("input_shape", False), ("batch_input_shape", True)):
                if args.get(keyword) is not None:
                    return self._shape_literal(args.get(keyword), where, batch=batch)
            return None
        if kind == "conv":
            rank = entry.rank
            channel = self._channel_axis(entry, args, rank)
            count = args.get(entry.count)
            sizes = {channel: self._size(count, where)} if channel is not None and count is not None else {}
            return Shape.make(rank, sizes)
        if kind == "reshape":
            return self._shape_literal(args.get("target_shape"), where, batch=False, reshape=True)
        if kind in ("concat", "merge"):
            inputs = input_shape()
            if not isinstance(inputs, list) or not inputs:
                return None
            if kind == "merge":
                return _lift_all(_broadcast, inputs)
            axis = -1 if args.absent("axis") else self._int(args.get("axis"), where)
            return None if axis is None else _lift_all(lambda shapes: _concatenate(shapes, axis), inputs)
        if kind == "recurrent":
            units = args.get(entry.count)
            state = self._bool(args, "return_state")
            if units is None or state is not False:
                return None
            size = self._size(units, where)
            sequences = self._bool(args, "return_sequences")
            if sequences is None:
                return Shape.make(None, {-1: size}, 2)
            return Shape.make(3, {2: size}) if sequences else Shape.make(2, {1: size})
        if kind == "wrapper":
            inner = args.get("layer")
            if inner is None:
                return None
            inner = strip_parens(inner)
            return _lift(lambda shape: self._time_distributed(inner, shape), input_shape())
        single = input_shape()
        if isinstance(single, list):
            return None
        if kind == "same":
            return single
        if kind == "dense":
            units = args.get(entry.count)
            return _lift(lambda shape: _dense(shape, self._size(units, where) if units is not None else None), single)
        if kind == "embedding":
            dim = args.get(entry.count)
            return _lift(lambda shape: _embedding(shape, self._size(dim, where) if dim is not None else None), single)
        if kind == "flatten":
            return _lift(_flatten, single)
        if kind == "permute":
            dims = self._int_tuple(args.get("dims"), where)
            return None if dims is None else _lift(lambda shape: _permute(shape, dims), single)
        rank = entry.rank
        channel = self._channel_axis(entry, args, rank)
        if kind == "spatial":
            factor = self._multiplier(entry, args, where)
            return _lift(lambda shape: _spatial(shape, rank, channel, factor), single)
        if kind == "global":
            keep = self._bool(args, "keepdims")
            return _lift(lambda shape: _global(shape, rank, channel, keep), single)
        return None

    def _time_distributed(self, inner, shape):
        if shape is None:
            return None
        steps = shape.size(1) if shape.rank is not None else None
        if shape.rank is not None:
            inner_input = Shape.make(shape.rank - 1, {k - 1: v for k, v in shape.sizes if k >= 2})
        else:
            inner_input = Shape.make(None, {k: v for k, v in shape.sizes if k < 0})
        out = self._of_layer(inner, lambda: inner_input)
        if not isinstance(out, Shape):  # unknown, or different on different paths
            return None
        sizes = {k + 1 if k > 0 else k: v for k, v in out.sizes}
        if steps is not None:
            sizes[1] = steps
        return Shape.make(out.rank + 1 if out.rank is not None else None, sizes,
                          (out.min_rank or 2) + 1 if out.rank is None else None)

    def _channel_axis(self, entry: LayerShape, args: _Bound, rank: int) -> int | None:
        fmt = entry.channels and {"first": "channels_first", "last": "channels_last"}[entry.channels]
        if fmt is None:
            fmt = self._format(args)
        if fmt is None:
            return None
        return 1 if fmt == "channels_first" else rank - 1

    def _format(self, args: _Bound) -> str | None:
        """The data_format a layer uses under the layout being followed."""
        if args.absent("data_format"):
            return self.fmt
        value = args.get("data_format")
        if value is None:
            return None
        return self._format_value(value)

    def _format_value(self, value, depth: int = 0) -> str | None:
        value = strip_parens(value)
        if isinstance(value, cst.Name) and value.value == "None":
            return self.fmt
        if isinstance(value, cst.SimpleString):
            text = _string(value)
            return text if text in FORMATS else None
        if isinstance(value, cst.Call) and not value.args and self.ctx.name_of(value.func) in self.infer.format_functions:
            return self.fmt
        if isinstance(value, cst.Name) and depth < 4:
            found = self._previous_value(value.value, value)
            if found is None:
                found = self._constant(value)
            if isinstance(found, _EitherValue):
                test = self._format_test(found.test)
                found = None if test is None else (found.yes if test else found.no)
            if found is not None and found is not _UNKNOWN and not isinstance(found, _EitherValue):
                return self._format_value(found, depth + 1)
        return None

    def _multiplier(self, entry: LayerShape, args: _Bound, where):
        """1, or the size a depthwise convolution multiplies the count by; None when not known."""
        if entry.multiplier is None or args.absent(entry.multiplier):
            return 1
        value = args.get(entry.multiplier)
        if value is None:
            return None
        return self._size(value, where)

    def _bool(self, args: _Bound, name: str) -> bool | None:
        if args.absent(name):
            return False
        value = args.get(name)
        value = strip_parens(value) if value is not None else None
        if isinstance(value, cst.Name) and value.value in ("True", "False"):
            return value.value == "True"
        return None

    def _size(self, value, where) -> Size:
        value = strip_parens(value)
        number = int_literal(value)
        if number is not None:
            return Size.literal(number)
        return Size(code_of(value), None, ((value, where),))

    def _shape_literal(self, value, where, batch: bool, reshape: bool = False):
        """(N, *value) from a literal tuple or list (value whole with batch=True); None where not literal."""
        value = strip_parens(value) if value is not None else None
        if not isinstance(value, (cst.Tuple, cst.List)) or any(isinstance(e, cst.StarredElement) for e in value.elements):
            return None
        elements = [strip_parens(e.value) for e in value.elements]
        if batch:
            elements = elements[1:]
        sizes = {}
        for axis, element in enumerate(elements, 1):
            if (isinstance(element, cst.Name) and element.value == "None") or int_literal(element) == -1:
                continue
            if reshape and int_literal(element) is None:
                continue  # a computed target size: Keras checks it against the input
            sizes[axis] = self._size(element, where)
        return Shape.make(len(elements) + 1, sizes)

    def _int_tuple(self, value, where) -> list[int] | None:
        value = strip_parens(value) if value is not None else None
        if not isinstance(value, (cst.Tuple, cst.List)):
            return None
        numbers = [int_literal(strip_parens(e.value)) for e in value.elements]
        return None if any(n is None for n in numbers) else numbers

    # -- the axis a BatchNormalization normalises, under the layout being followed --
    def _axis_of(self, call: cst.Call) -> int | None:
        bound = _bind(call, ("axis",))
        if bound.absent("axis"):
            return -1
        value = bound.get("axis")
        return None if value is None else self._int(value, call)

    def _int(self, value, at, depth: int = 0) -> int | None:
        """An integer the expression certainly holds at `at`, under the layout being followed."""
        if value is None or depth > 4:
            return None
        value = strip_parens(value)
        number = int_literal(value)
        if number is not None:
            return number
        if isinstance(value, cst.IfExp):
            test = self._format_test(value.test)
            return None if test is None else self._int(value.body if test else value.orelse, at, depth + 1)
        if isinstance(value, cst.Name):
            found = self._previous_value(value.value, at)
            if found is None:
                found = self._constant(value)
            return self._int_of_value(found, at, depth + 1)
        return None

    def _int_of_value(self, found, at, depth: int) -> int | None:
        if found is None or found is _UNKNOWN:
            return None
        if isinstance(found, _EitherValue):
            test = self._format_test(found.test)
            if test is not None:
                return self._int_of_value(found.yes if test else found.no, at, depth + 1)
            yes, no = self._int_of_value(found.yes, at, depth + 1), self._int_of_value(found.no, at, depth + 1)
            return yes if yes is not None and yes == no else None
        return self._int(found, found, depth)

    def _constant(self, name: cst.Name):
        """A name assigned once where it is read from (a module constant): its value."""
        return self._single_value(name)

    def _format_test(self, test) -> bool | None:
        """`image_data_format() == 'channels_last'` (or !=, or 'channels_first') under the layout being followed."""
        test = strip_parens(test)
        if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
            return None
        target = test.comparisons[0]
        if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
            return None
        sides = [strip_parens(test.left), strip_parens(target.comparator)]
        calls = [s for s in sides if isinstance(s, cst.Call) and not s.args
                 and self.ctx.name_of(s.func) in self.infer.format_functions]
        strings = [_string(s) for s in sides if isinstance(s, cst.SimpleString)]
        if len(calls) != 1 or len(strings) != 1 or strings[0] not in FORMATS:
            return None
        equal = strings[0] == self.fmt
        return equal if isinstance(target.operator, cst.Equal) else not equal

    # -- names: the value last assigned before a statement --
    def _previous_value(self, name: str, at: cst.CSTNode):
        """The value last assigned to `name` before the statement holding `at`, in the same block or
        the blocks around it (not out of loops or functions): an expression, an _EitherValue for an
        `if` that assigns it, _UNKNOWN where it is assigned in a way not followed, None if not at all."""
        if self._assigned_from_elsewhere(name, at):
            return _UNKNOWN  # `global` / `nonlocal` in a function that may run in between
        for earlier, boundary in reversed(self._before(self._statement_of(at))):
            if boundary is not None:
                if earlier is not None and name not in _stored_names(earlier):
                    return self._previous_value(name, earlier)  # a loop or try that leaves the name alone
                return _UNKNOWN if self._assigned_in_function(name, at) else None
            if name in _stored_names(earlier):
                return self._value_after(earlier, name)
        return None

    def _value_after(self, statement, name: str):
        """What `name` holds right after `statement`, which assigns it."""
        if isinstance(statement, cst.SimpleStatementLine):
            for small in reversed(statement.body):
                if name in _stored_names(small):
                    single = (isinstance(small, cst.Assign) and len(small.targets) == 1
                              and isinstance(small.targets[0].target, cst.Name))
                    return small.value if single else _UNKNOWN
            return _UNKNOWN
        if isinstance(statement, cst.If):
            return _EitherValue(statement.test, statement, self._block_value(statement.body.body, name, statement),
                                self._else_value(statement.orelse, name, statement))
        if isinstance(statement, cst.With):
            return self._block_value(statement.body.body, name, statement)
        return _UNKNOWN

    def _block_value(self, statements, name: str, owner):
        for statement in reversed(list(statements)):
            if name in _stored_names(statement):
                return self._value_after(statement, name)
        return self._previous_value(name, owner)  # the block leaves it as it was

    def _else_value(self, orelse, name: str, owner):
        if orelse is None:
            return self._previous_value(name, owner)
        if isinstance(orelse, cst.If):  # elif
            return self._value_after(orelse, name) if name in _stored_names(orelse) else self._previous_value(name, owner)
        return self._block_value(orelse.body.body, name, owner)

    def _assigned_from_elsewhere(self, name: str, at) -> bool:
        """`name` is also assigned inside another function (through global or nonlocal)."""
        scope = self.ctx.scopes.get(at)
        if scope is None:
            return False
        for assignment in scope.resolve(name, scope):
            owner = assignment.scope.node  # where the name lives: a function, or the module (a class body)
            owner = owner if isinstance(owner, cst.FunctionDef) else self._function_of(owner)
            if isinstance(assignment.node, cst.Name) and self._function_of(assignment.node) is not owner:
                return True
        return False

    def _assigned_in_function(self, name: str, at) -> bool:
        scope = self.ctx.scopes.get(at)
        return scope is not None and any(not isinstance(a.node, cst.Param) for a in scope.assignments[name])

    def _before(self, statement) -> list:
        """The statements that run before `statement`, outermost block first: (statement, None), or
        (owner, what) where a loop or try (the owner statement) or a function (None) ends the straight line."""
        ctx = self.ctx
        found: list = []
        while statement is not None:
            block = ctx.parent(statement)
            body = list(getattr(block, "body", ()))
            if statement not in body:
                break
            found[:0] = [(s, None) for s in body[: body.index(statement)]]
            if isinstance(block, cst.Module):
                return found
            owner = ctx.parent(block)
            outer = self._enclosing_statement(owner)
            if outer is None:
                what = ("a loop" if isinstance(owner, (cst.For, cst.While)) or isinstance(ctx.parent(owner), (cst.For, cst.While))
                        else "a function" if isinstance(owner, (cst.FunctionDef, cst.Lambda))
                        else "a try block" if isinstance(owner, (cst.Try, cst.TryStar, cst.ExceptHandler, cst.Finally))
                        else "a nested block")
                found.insert(0, (self._statement_of(owner) if what in ("a loop", "a try block") else None, what))
                return found
            statement = outer
        return found

    def _enclosing_statement(self, owner):
        """From the owner of a block up to the statement that sits in a body: if/elif/else, with."""
        while isinstance(owner, (cst.Else, cst.If, cst.With)):
            parent = self.ctx.parent(owner)
            if isinstance(parent, (cst.IndentedBlock, cst.Module)):
                return owner
            owner = parent
        return None

    def _line(self, statement) -> int:
        """The line a statement starts on (a line of simple statements is placed by its first one)."""
        if isinstance(statement, cst.SimpleStatementLine):
            statement = statement.body[0]
        return self.ctx.position(statement)[0]

    def _statement_of(self, node):
        ctx = self.ctx
        while node is not None and not isinstance(ctx.parent(node), (cst.IndentedBlock, cst.Module)):
            node = ctx.parent(node)
        return node

    def _probed(self, tensor: cst.Name, at):
        """A tensor from outside (a parameter): the sizes the function reads from it,
        `c = int_shape(x)[axis]` or `c = x.shape[axis]`."""
        function = self._function_of(at)
        if function is None:
            return None
        scope = self.ctx.scopes.get(tensor)
        if scope is None or any(not isinstance(a.node, cst.Param) for a in scope[tensor.value]):
            return None
        sizes = {}
        for statement, boundary in self._before(self._statement_of(at)):
            if statement is None or not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)):
                    continue
                axis = self._probe(small.value, tensor.value, small)
                if axis is not None:
                    target = small.targets[0].target
                    sizes[axis] = Size(target.value, None, ((target, small),))
        return Shape.make(None, sizes) if sizes else None

    def _probe(self, value, tensor: str, at) -> int | None:
        value = strip_parens(value)
        if not (isinstance(value, cst.Subscript) and len(value.slice) == 1 and isinstance(value.slice[0].slice, cst.Index)):
            return None
        inner = strip_parens(value.value)
        if isinstance(inner, cst.Call) and self.ctx.name_of(inner.func) in self.infer.shape_functions:
            subject = _first_arg(inner)
        elif isinstance(inner, cst.Attribute) and inner.attr.value == "shape":
            subject = inner.value
        else:
            return None
        if not (isinstance(subject, cst.Name) and subject.value == tensor):
            return None
        axis = self._int(value.slice[0].slice.value, at)
        return axis if axis is not None and axis != 0 else None

    def _function_of(self, node):
        while node is not None and not isinstance(node, (cst.FunctionDef, cst.Module)):
            node = self.ctx.parent(node)
        return node if isinstance(node, cst.FunctionDef) else None

    # -- classes --
    def _assigned_in_related_class(self, klass: cst.ClassDef, attribute: str):
        """(class name, line) of another class in the module, a base or a subclass of `klass`, that
        assigns self.<attribute> too."""
        classes = self._module_classes()
        related = _ancestors(klass, classes) | _descendants(klass, classes)
        for other in sorted(related, key=lambda c: self.ctx.position(c)):
            for node in self.flow.self_attributes(other).get(attribute, []):
                if self.flow.is_store(node):
                    return other.name.value, self.ctx.position(node)[0]
        return None

    def _module_classes(self) -> dict[str, cst.ClassDef]:
        if self._classes is None:
            module = next(iter(self.ctx.index.all_scopes)).node
            self._classes = {}
            for statement in getattr(module, "body", ()):
                if isinstance(statement, cst.ClassDef):
                    self._classes.setdefault(statement.name.value, statement)
        return self._classes

    # -- copying the count --
    def _copyable(self, size: Size, site: cst.Call) -> tuple[int, str] | None:
        """None when the code of `size` means the same at `site`; else (line it is read on, why not)."""
        for expression, where in size.reads:
            line = self.ctx.position(where)[0]
            reason = self._impure(expression) or self._moved(expression, where, site)
            if reason is not None:
                return line, reason
        return None

    def _impure(self, expression) -> str | None:
        """Why evaluating `expression` a second time may give another value (a call not known pure), or None."""
        for call in _calls_in(expression):
            if not self._pure_call(call):
                return f"{code_of(call)} is a call that may not give the same value a second time"
        return None

    def _pure_call(self, call: cst.Call) -> bool:
        func = call.func
        if any(arg.star for arg in call.args):
            return False
        scope = self.ctx.scopes.get(call)
        if isinstance(func, cst.Name):
            bound = list(scope[func.value]) if scope is not None else []
            if not bound:
                return func.value in _PURE_BUILTINS
            if len(bound) == 1 and isinstance(bound[0].node, cst.FunctionDef):
                return self._pure_function(bound[0].node)  # module-level, or local (its free names: _moved)
            return False
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in _PURE_MATH:
            bound = list(scope[func.value.value]) if scope is not None else []
            return (len(bound) == 1 and isinstance(bound[0].node, cst.Import)
                    and any(code_of(a.name) == "math" and a.asname is None for a in bound[0].node.names))
        return False

    def _pure_function(self, function: cst.FunctionDef) -> bool:
        """A module-level function that only computes from its arguments (keras-applications' _make_divisible)."""
        key = function.name.value
        if key in self._pure:
            return self._pure[key]
        self._pure[key] = False  # recursion is not pure enough
        ok = function.asynchronous is None and not function.decorators and _pure_body(function.body.body)
        if ok:
            ok = all(self._pure_call(call) for call in _calls_in(function.body))
        self._pure[key] = ok
        return ok

    def _moved(self, expression, where, site) -> str | None:
        """Why a name or attribute in `expression` may mean something else at `site` than at `where`."""
        ctx = self.ctx
        here_scope, site_scope = ctx.scopes.get(expression), ctx.scopes.get(site)
        if here_scope is None or site_scope is None:
            return "it cannot be followed"
        low, high = sorted((ctx.position(where), ctx.position(site)))
        for name in _loaded_names(expression):
            if name == "self":
                continue
            seen, there = set(here_scope[name]), set(site_scope[name])
            if seen != there:
                return f"{name} means something else here"
            if not seen and not hasattr(builtins, name):
                return f"{name} is not defined in this file"
            for assignment in seen:
                node = getattr(assignment, "node", None)
                if node is not None and isinstance(node, cst.Name) and low < ctx.position(node) < high:
                    return f"{name} is assigned again on line {ctx.position(node)[0]}"
        for chain in _attribute_chains(expression):
            reason = self._attribute_moved(chain, where, site, low, high)
            if reason is not None:
                return reason
        for function in self._local_functions(expression):  # what a local function reads from around it
            scope = ctx.scopes.get(function.body)
            for name in _free_names(function):
                for assignment in (scope[name] if scope is not None else ()):
                    node = getattr(assignment, "node", None)
                    if isinstance(node, cst.Name) and low < ctx.position(node) < high:
                        return f"{name}, which {function.name.value}() reads, is assigned again on line {ctx.position(node)[0]}"
        return None

    def _local_functions(self, expression) -> list[cst.FunctionDef]:
        found = []
        for call in _calls_in(expression):
            scope = self.ctx.scopes.get(call)
            if isinstance(call.func, cst.Name) and scope is not None:
                bound = list(scope[call.func.value])
                if len(bound) == 1 and isinstance(bound[0].node, cst.FunctionDef) \
                        and not isinstance(self.ctx.parent(bound[0].node), cst.Module):
                    found.append(bound[0].node)
        return found

    def _attribute_moved(self, chain: cst.Attribute, where, site, low, high) -> str | None:
        ctx, text = self.ctx, code_of(chain)
        root = chain
        while isinstance(root, cst.Attribute) and isinstance(root.value, cst.Attribute):
            root = root.value
        if _is_self_attribute(root):
            return self._self_attribute_ready(root, site)
        for node in ctx.scopes:
            if isinstance(node, cst.Attribute) and self.flow.is_store(node) and code_of(node) == text \
                    and low < ctx.position(node) < high:
                return f"{text} is assigned again on line {ctx.position(node)[0]}"
        return None

    def _self_attribute_ready(self, attribute: cst.Attribute, site) -> str | None:
        """self.<attr> has one value, assigned before the layer is built."""
        name = f"self.{attribute.attr.value}"
        klass = self.flow.enclosing_class(site)
        if klass is None or self.flow.enclosing_class(attribute) is not klass:
            return f"{name} is read in another class"
        stores = [n for n in self.flow.self_attributes(klass).get(attribute.attr.value, []) if self.flow.is_store(n)]
        if len(stores) != 1:
            return f"{name} is assigned {'more than once' if stores else 'nowhere in this class'}"
        other = self._assigned_in_related_class(klass, attribute.attr.value)
        if other is not None:
            return f"{name} is assigned again in class {other[0]} (line {other[1]})"
        store = stores[0]
        store_function, site_function = self._function_of(store), self._function_of(site)
        if store_function is not site_function:
            if store_function is not None and store_function.name.value == "__init__":
                return None  # __init__ runs before the other methods
            return f"{name} is assigned in {store_function.name.value if store_function else 'the class body'}(), " \
                   f"which may run after this layer is built"
        statement = self._statement_of(store)
        if any(s is statement for s, boundary in self._before(self._statement_of(site)) if boundary is None):
            return None
        return f"{name} is assigned after this layer is built (line {self.ctx.position(store)[0]})"


# -- shapes, without the code --
_FORMAT_NAMES = ("image_data_format", "set_image_data_format")


def _agreed(sizes: list) -> Size | None:
    if not sizes or any(s is None for s in sizes):
        return None
    return sizes[0] if len({s.code for s in sizes}) == 1 else None


def _agreed_value(values: list):
    values = set(values)
    return values.pop() if len(values) == 1 else None


def _either(test, where, yes, no):
    if _same_shape(yes, no):
        return yes
    return Either(test, where, yes, no)


def _same_shape(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, Either) or isinstance(b, Either):
        return a is b
    return (a.rank == b.rank and a.min_rank == b.min_rank
            and [(k, v.code) for k, v in a.sizes] == [(k, v.code) for k, v in b.sizes])


def _lift(function, shape):
    """Apply a function of one plain shape to a shape that may be an Either (None: nothing known)."""
    if isinstance(shape, Either):
        return _either(shape.test, shape.where, _lift(function, shape.yes), _lift(function, shape.no))
    return function(Shape(None) if shape is None else shape)


def _lift_all(function, shapes: list):
    for index, shape in enumerate(shapes):
        if isinstance(shape, Either):
            pick = lambda side: _lift_all(function, shapes[:index] + [side] + shapes[index + 1:])  # noqa: E731
            return _either(shape.test, shape.where, pick(shape.yes), pick(shape.no))
    return function(shapes)


def _rank_of(shape):
    if isinstance(shape, Either):
        yes, no = _rank_of(shape.yes), _rank_of(shape.no)
        return yes if yes == no else None
    return shape.rank if shape is not None else None


def _min_rank_of(shape):
    if isinstance(shape, Either):
        yes, no = _min_rank_of(shape.yes), _min_rank_of(shape.no)
        return min(yes, no) if yes is not None and no is not None else None
    if shape is None:
        return None
    return shape.rank if shape.rank is not None else shape.min_rank


def _size_in(shape, axis: int) -> Size | None:
    """The size of `axis`; where branches differ, `a if test else b`."""
    if isinstance(shape, Either):
        yes, no = _size_in(shape.yes, axis), _size_in(shape.no, axis)
        if yes is None or no is None:
            return None
        if yes.code == no.code:
            return yes
        test = shape.test
        code = f"{_operand(yes.code, 'if')} if {_operand(code_of(test), 'if')} else {_operand(no.code, 'if')}"
        return Size(code, None, yes.reads + no.reads + ((test, shape.where),))
    if shape is None:
        return None
    if shape.rank is None and axis >= 0 and shape.min_rank is None and not shape.sizes:
        return None
    return shape.size(axis)


def _dense(shape: Shape, units: Size | None) -> Shape:
    if shape.rank is not None:
        sizes = shape.by_axis
        sizes.pop(shape.rank - 1, None)
        if units is not None:
            sizes[shape.rank - 1] = units
        return Shape.make(shape.rank, sizes)
    sizes = {k: v for k, v in shape.sizes if k < -1}  # an axis counted from the front may be the last
    if units is not None:
        sizes[-1] = units
    return Shape.make(None, sizes, max(2, shape.min_rank or 2))


def _embedding(shape: Shape, dim: Size | None) -> Shape:
    if shape.rank is not None:
        sizes = shape.by_axis
        if dim is not None:
            sizes[shape.rank] = dim
        return Shape.make(shape.rank + 1, sizes)
    sizes = {k: v for k, v in shape.sizes if k > 0}
    if dim is not None:
        sizes[-1] = dim
    return Shape.make(None, sizes, (shape.min_rank or 2) + 1)


def _flatten(shape: Shape) -> Shape:
    if shape.rank is None or any(shape.size(k) is None for k in range(1, shape.rank)):
        return Shape.make(2, {})
    parts = [shape.size(k) for k in range(1, shape.rank)]
    return Shape.make(2, {1: _combine(parts, "*")})


def _permute(shape: Shape, dims: list[int]) -> Shape:
    rank = len(dims) + 1
    shape = shape.at_rank(rank)
    sizes = {}
    for axis, source in enumerate(dims, 1):
        size = shape.size(source)
        if size is not None:
            sizes[axis] = size
    return Shape.make(rank, sizes)


def _spatial(shape: Shape, rank: int, channel: int | None, factor) -> Shape:
    """Pooling, padding, cropping, upsampling, depthwise convolution: the channel axis is kept."""
    shape = shape.at_rank(rank)
    sizes = {}
    if channel is not None and factor is not None:
        size = shape.size(channel)
        if size is not None:
            sizes[channel] = size if factor == 1 else _combine([size, factor], "*")
    return Shape.make(rank, sizes)


def _global(shape: Shape, rank: int, channel: int | None, keepdims: bool | None) -> Shape | None:
    shape = shape.at_rank(rank)
    if keepdims is None:
        return None
    size = shape.size(channel) if channel is not None else None
    if not keepdims:
        return Shape.make(2, {1: size} if size is not None else {})
    sizes = {axis: Size.literal(1) for axis in range(1, rank) if axis != channel}
    if channel is None:
        return Shape.make(rank, {})
    if size is not None:
        sizes[channel] = size
    return Shape.make(rank, sizes)


def _concatenate(shapes: list, axis: int) -> Shape | None:
    if any(s is None for s in shapes):
        ranks = {s.rank for s in shapes if s is not None}
        rank = ranks.pop() if len(ranks) == 1 else None
        return Shape.make(rank, {}) if rank is not None else None
    ranks = {s.rank for s in shapes}
    rank = ranks.pop() if len(ranks) == 1 else None
    if rank is None and axis >= 0:
        return None
    parts = [s.size(axis) for s in shapes]
    sizes = {}
    if all(p is not None for p in parts):
        sizes[axis] = _combine(parts, "+")
    if rank is not None:
        for other in range(1, rank):
            if other == (axis + rank if axis < 0 else axis):
                continue
            codes = {(s.size(other).code if s.size(other) is not None else None) for s in shapes}
            if len(codes) == 1 and None not in codes:
                sizes[other] = shapes[0].size(other)
    return Shape.make(rank, sizes, max((s.rank or s.min_rank or 2) for s in shapes) if rank is None else None)


def _broadcast(shapes: list) -> Shape | None:
    """Keras' elementwise merges (Add, Multiply, ...): NumPy broadcasting, aligned from the last axis."""
    known = [s for s in shapes if s is not None]
    if not known:
        return None
    ranks = [s.rank if s is not None else None for s in shapes]
    rank = max(ranks) if all(r is not None for r in ranks) else None
    span = rank - 1 if rank is not None else max(
        s.rank - 1 if s.rank is not None else max((-k for k, _ in s.sizes if k < 0), default=0) for s in known)
    sizes = {}
    for back in range(1, span + 1):
        values = []
        for s in shapes:
            if s is None:
                values.append(None)
            elif s.rank is not None:
                if back <= s.rank - 1:
                    values.append(s.size(s.rank - back))
            else:
                values.append(s.size(-back))
        size = _broadcast_size(values)
        if size is not None:
            sizes[-back] = size
    return Shape.make(rank, sizes, max((s.rank or s.min_rank or 2) for s in known) if rank is None else None)


def _broadcast_size(values: list) -> Size | None:
    """One axis of a broadcast: a size of 1 takes the other's; an unknown size matters only against 1."""
    other = [v for v in values if v is None or v.value != 1]
    known = [v for v in other if v is not None]
    if not other:
        return values[0] if values else None
    if not known or len({v.code for v in known}) != 1:
        return None
    return known[0]


def _combine(parts: list[Size], operator: str) -> Size:
    """`a + b` or `a * b` of sizes: folded when all are literals."""
    if all(p.value is not None for p in parts):
        total = 0 if operator == "+" else 1
        for p in parts:
            total = total + p.value if operator == "+" else total * p.value
        return Size.literal(total)
    code = f" {operator} ".join(_operand(p.code, operator) for p in parts)
    return Size(code, None, tuple(r for p in parts for r in p.reads))


def _operand(code: str, operator: str) -> str:
    """Parenthesise an operand where the operator binds tighter than it."""
    try:
        node = cst.parse_expression(code)
    except cst.ParserSyntaxError:
        return f"({code})"
    loose = (cst.IfExp, cst.Lambda, cst.BooleanOperation, cst.Comparison, cst.UnaryOperation)
    if isinstance(node, loose) and operator != "if" or (operator == "if" and isinstance(node, (cst.IfExp, cst.Lambda))):
        return f"({code})"
    if operator == "*" and isinstance(node, cst.BinaryOperation) and not isinstance(node.operator, (cst.Multiply, cst.Power)):
        return f"({code})"
    if operator == "*" and isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        return code
    return code


# -- syntax helpers --
def _first_arg(call: cst.Call) -> cst.BaseExpression | None:
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        return call.args[0].value
    return None


def _bind(call: cst.Call, signature: tuple[str, ...]) -> _Bound:
    bound = _Bound()
    position = 0
    for arg in call.args:
        if arg.star:
            bound.hidden = True
            continue
        if arg.keyword is not None:
            bound.args[arg.keyword.value] = arg.value
        elif position < len(signature):
            bound.args[signature[position]] = arg.value
            position += 1
        else:
            bound.hidden = True  # a positional bnport cannot name
    return bound


def _string(node: cst.SimpleString) -> str | None:
    try:
        value = node.evaluated_value
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _is_self_attribute(node) -> bool:
    return isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self"


def _listed_layers(value) -> list:
    """`Sequential([a, b])`: [a, b]; any other value: no layers yet."""
    value = strip_parens(value)
    if isinstance(value, cst.Call) and value.args and value.args[0].keyword is None and not value.args[0].star:
        first = strip_parens(value.args[0].value)
        if isinstance(first, (cst.List, cst.Tuple)) and not any(isinstance(e, cst.StarredElement) for e in first.elements):
            return [e.value for e in first.elements]
    return []


def _short(statement) -> str:
    text = " ".join(code_of(statement).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _assigned_value(ctx: Context, target: cst.CSTNode) -> cst.BaseExpression | None:
    parent = ctx.parent(target)
    statement = ctx.parent(parent) if isinstance(parent, cst.AssignTarget) else None
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        return statement.value
    return None


def _ancestors(klass: cst.ClassDef, classes: dict) -> set:
    found, work = set(), [klass]
    while work:
        current = work.pop()
        for base in current.bases:
            other = classes.get(code_of(base.value))
            if other is not None and other is not klass and other not in found:
                found.add(other)
                work.append(other)
    return found


def _descendants(klass: cst.ClassDef, classes: dict) -> set:
    found, changed = set(), True
    while changed:
        changed = False
        for other in classes.values():
            if other is klass or other in found:
                continue
            if any(classes.get(code_of(b.value)) in found | {klass} for b in other.bases):
                found.add(other)
                changed = True
    return found


def _calls_in(node) -> list[cst.Call]:
    found: list[cst.Call] = []

    class _Visit(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call):
            found.append(n)

        def visit_Lambda(self, n):
            return False

    node.visit(_Visit())
    return found


def _pure_body(statements) -> bool:
    """Only local computation: assignments to names, if, return, docstrings, pass."""
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    if not all(isinstance(t.target, cst.Name) for t in small.targets):
                        return False
                elif isinstance(small, cst.AugAssign):
                    if not isinstance(small.target, cst.Name):
                        return False
                elif isinstance(small, cst.Expr):
                    if not isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                        return False
                elif not isinstance(small, (cst.Return, cst.Pass)):
                    return False
        elif isinstance(statement, cst.If):
            if not _pure_body(statement.body.body):
                return False
            orelse = statement.orelse
            if orelse is not None and not _pure_body([orelse] if isinstance(orelse, cst.If) else orelse.body.body):
                return False
        else:
            return False
    return True


@lru_cache(maxsize=4096)  # asked again for the same statements while a chain is followed back
def _stored_names(node: cst.CSTNode) -> frozenset[str]:
    """Names a statement binds in its own scope (not inside nested functions or classes)."""
    names: set[str] = set()

    def targets(target):
        if isinstance(target, cst.Name):
            names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                targets(element.value)
        elif isinstance(target, cst.StarredElement):
            targets(target.value)

    class _Visit(cst.CSTVisitor):
        def visit_Assign(self, n):
            for t in n.targets:
                targets(t.target)

        def visit_AugAssign(self, n):
            targets(n.target)

        def visit_AnnAssign(self, n):
            targets(n.target)

        def visit_For(self, n):
            targets(n.target)

        def visit_AsName(self, n):
            targets(n.name)

        def visit_NamedExpr(self, n):
            targets(n.target)

        def visit_FunctionDef(self, n):
            names.add(n.name.value)
            return False

        def visit_ClassDef(self, n):
            names.add(n.name.value)
            return False

        def visit_Lambda(self, n):
            return False

    node.visit(_Visit())
    return frozenset(names)


def _free_names(function: cst.FunctionDef) -> set[str]:
    """Names a function reads that it neither takes nor assigns (from the scopes around it)."""
    params = {p.name.value for p in (*function.params.params, *function.params.posonly_params,
                                      *function.params.kwonly_params)}
    for star in (function.params.star_arg, function.params.star_kwarg):
        if isinstance(star, cst.Param):
            params.add(star.name.value)
    stored = set().union(*(_stored_names(s) for s in function.body.body)) if function.body.body else set()
    return set(_loaded_names(function.body)) - params - stored - set(dir(builtins))


def _read_names(node: cst.CSTNode) -> set[str]:
    """Every name a statement mentions (as a name, not an attribute or keyword)."""
    return set(_loaded_names(node))


def _loaded_names(node: cst.CSTNode) -> list[str]:
    found: list[str] = []

    class _Visit(cst.CSTVisitor):
        def visit_Attribute(self, n: cst.Attribute):
            n.value.visit(self)
            return False

        def visit_Arg(self, n: cst.Arg):
            n.value.visit(self)
            return False

        def visit_Name(self, n: cst.Name):
            found.append(n.value)

    node.visit(_Visit())
    return found


def _attribute_chains(node) -> list[cst.Attribute]:
    """The outermost attribute reads in an expression (`self.filters`, `cfg.width`), not method calls' callee."""
    found: list[cst.Attribute] = []

    class _Visit(cst.CSTVisitor):
        def visit_Attribute(self, n: cst.Attribute):
            base = n
            while isinstance(base, cst.Attribute):
                base = base.value
            if isinstance(base, cst.Name):
                found.append(n)
            return False

        def visit_Call(self, n: cst.Call):
            for arg in n.args:
                arg.value.visit(self)
            if not isinstance(n.func, cst.Attribute):
                n.func.visit(self)
            return False

    node.visit(_Visit())
    return found
