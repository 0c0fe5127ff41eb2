"""Load the mapping knowledge from rules/*.toml into immutable objects, rejecting bad files.

Rule files are data: they are parsed with tomllib and checked key by key, never evaluated.
A mistake is reported as ``RuleError("<file>: <key>: <reason>")`` so the CLI can exit 2 with it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

SEVERITIES = ("info", "warning", "error")
CODE_PATTERN = re.compile(r"^[A-Z]{3}[0-9]{3}$")
# Findings the engine itself raises (not tied to one argument or attribute). rules/common.toml
# gives each a framework-neutral code; a rule file may give a kind its own code and message.
ENGINE_KINDS = (
    "ambiguous", "class-member", "function-value", "foreign-call", "escape", "star-args", "kwargs-default",
    "unknown-argument", "positional-unbound", "template-repeat", "template-missing", "dtype-unknown",
    "initializer", "tensor-api", "mixed-guard", "state-key", "state-key-report", "unused-suppression",
    "open-marker", "default-removed", "boundary", "layer-escape", "maybe-layer", "name-lookup", "method-value", "name-test",
    "computed-name", "eval-string", "eval-import", "exported-import", "eval-compare", "project-target",
    "update-in-expression", "maybe-none", "project-keras", "registry-call", "mixed-values", "tensor-missing", "config-key", "traversal", "serialized-class", "cell-file",
    "config-literal", "config-read", "submodule-lookup",
)
SAFETIES = ("exact", "approximate", "report-only")
TRANSFORMS = ("one_minus", "dtype")


class RuleError(Exception):
    """A rule file that cannot be used; the message names file, key and reason."""


@dataclass(frozen=True)
class Code:
    """One kind of finding: a stable code, its severity and message, and its documentation."""

    id: str
    title: str  # one line: what it says
    severity: str
    message: str  # the report's text; {placeholders} are filled where it is raised
    why: str
    fix: str  # what to do
    file: str
    kind: str | None = None  # the engine's name for it, when the engine raises it
    example: str | None = None  # source that raises it (else one of the rule examples does)

    def text(self, **values) -> str:
        return self.message.format_map(KeepPlaceholders(values))


class KeepPlaceholders(dict):
    """format_map helper: placeholders without a value stay as they are."""

    def __missing__(self, key):
        return "{" + key + "}"


@dataclass(frozen=True)
class ValueAction:
    """What one literal value of an argument becomes."""

    kind: str  # "omit" | "to" | "refuse" | "drop" | "target"
    message: str = ""  # "omit": why nothing needs saying
    code: str | None = None  # "refuse", "drop", and "to" when it is reported: the finding's code
    to: str | None = None
    value: str | None = None
    target: str | None = None  # "target": the argument goes and this variant of the rule is built


@dataclass(frozen=True)
class CallTemplate:
    """A value that is a call (``keras.initializers.Constant(0.5)``): its parameters and what it becomes."""

    signature: tuple[str, ...]
    template: str  # {mindspore} and {<param>}; parameters not passed take `defaults`
    defaults: dict[str, str] = field(default_factory=dict)
    # A parameter that holds one number or one value per channel (Keras Constant): MindSpore takes a
    # number, or a Tensor for per-channel values (not an ndarray or a list), so anything but a number
    # is written as `{tensor}` with the value in it; where the code does not show that it is a
    # sequence, `tensor_code` is reported (a single number in a Tensor fails when the layer is built).
    per_channel: str | None = None
    tensor: str | None = None
    tensor_code: str | None = None


@dataclass(frozen=True)
class TemplateAction:
    """Rewrite a non-literal value through ``template`` (``{value}`` stands for the expression)."""

    to: str
    template: str
    code: str  # the finding raised with the rewrite


@dataclass(frozen=True)
class ArgSpec:
    name: str
    to: str | None = None
    transform: str | None = None
    drop: str | None = None  # the code of the finding raised when the argument is removed
    values: dict[str, ValueAction] = field(default_factory=dict)
    otherwise: TemplateAction | None = None
    default: str | None = None  # written as `to=default` when the call does not pass the argument
    positional: bool = False  # the target takes it only by position: written first, without keyword
    calls: dict[str, CallTemplate] = field(default_factory=dict)  # qualified callee -> template
    # What the target does with a converted value (the MindSpore dtype written): "refuse" or "warn" -> code
    targets: dict[str, ValueAction] = field(default_factory=dict)
    within: Interval | None = None  # the numbers the target accepts; a literal outside is refused
    coerce: Coerce | None = None  # values visibly of a type the target rejects, rewritten through a template


@dataclass(frozen=True)
class Interval:
    """An interval such as `(0, 1]`, and the code of the error raised for a literal outside it."""

    low: Decimal
    high: Decimal
    low_open: bool
    high_open: bool
    text: str
    code: str

    def __contains__(self, number: Decimal) -> bool:
        above = number > self.low if self.low_open else number >= self.low
        below = number < self.high if self.high_open else number <= self.high
        return above and below


@dataclass(frozen=True)
class Coerce:
    """A value visibly computed by one of `modules` (a numpy integer) is written through `template`."""

    modules: tuple[str, ...]
    template: str  # {value}
    code: str  # the finding raised with the rewrite


@dataclass(frozen=True)
class Together:
    """Arguments that map only in combination (Keras center=False and scale=False -> affine=False)."""

    args: dict[str, str]  # parameter -> literal it must have
    to: str
    value: str


# How a layer's output shape follows from its input's: the kinds rules/keras.toml documents.
LAYER_KINDS = {
    # kind: (required keys, allowed keys besides kind/signature/function)
    "conv": ({"rank", "count"}, {"rank", "count"}),
    "dense": ({"count"}, {"count"}),
    "same": (set(), set()),
    "spatial": ({"rank"}, {"rank", "multiplier", "channels"}),
    "global": ({"rank"}, {"rank", "channels"}),
    "flatten": (set(), set()),
    "reshape": (set(), set()),
    "permute": (set(), set()),
    "concat": (set(), set()),
    "merge": (set(), set()),
    "embedding": ({"count"}, {"count"}),
    "recurrent": ({"count"}, {"count"}),
    "wrapper": (set(), set()),
    "input": (set(), set()),
}


@dataclass(frozen=True)
class LayerShape:
    """How one layer (or function) computes its output shape from its input's and its arguments."""

    kind: str  # one of LAYER_KINDS
    signature: tuple[str, ...] = ()  # its positional parameters, to bind the arguments it is given
    rank: int | None = None  # the output rank, for kinds whose rank is fixed (conv, spatial, global)
    count: str | None = None  # the parameter that gives the output's channel count (filters, units)
    multiplier: str | None = None  # the parameter the channel count is multiplied by (depth_multiplier)
    channels: str | None = None  # "first" | "last": a fixed layout (layers without data_format)
    function: bool = False  # applied to tensors directly (`layers.add([x, y])`), not built and then applied


@dataclass(frozen=True)
class Infer:
    """A target parameter the source infers at run time (num_features), and the class chosen by rank."""

    param: str
    axis: str  # the source's channel-axis argument
    placeholder: str  # written when it cannot be inferred; undefined, so running it fails loudly
    ranks: dict[int, str]  # input rank -> variant
    default_variant: str
    layers: dict[str, LayerShape]  # qualified name -> how its output shape follows from its input's
    declared_input: dict[str, str]  # keyword a layer declares its input with (input_shape) -> "shape" | "batch_shape" | "size"
    format_functions: tuple[str, ...]  # functions returning the configured data format (image_data_format)
    format_setters: tuple[str, ...]  # functions that change it (set_image_data_format)
    shape_functions: tuple[str, ...]  # `f(x)[axis]` is the size of x's axis (keras.backend.int_shape)
    keeps_layers: tuple[str, ...]  # methods of a Sequential model that leave its layers as they are (summary)
    messages: dict[str, str]  # unknown, rank_unknown, not_copyable, other_axis, uncertain, channels_last, ... -> code

    @property
    def names(self) -> list[str]:
        """Every qualified name the table looks for."""
        return [*self.layers, *self.format_functions, *self.format_setters, *self.shape_functions]


@dataclass(frozen=True)
class Initializer:
    """A source initialiser applied to a converted parameter: the MindSpore form ({param}, {value},
    {mindspore}); with `exact`, the call is rewritten to it, else reported with it."""

    form: str
    exact: bool = False


@dataclass(frozen=True)
class AttrSpec:
    """What reading or assigning one attribute of a converted layer object becomes."""

    name: str
    to: str | None = None  # new attribute name (under the API's attribute_path)
    report: str | None = None  # code of the finding raised at every use
    on_assign: str | None = None  # statement written after `obj.name = value` ({object} = the object)
    note: str | None = None  # code of the finding raised where on_assign adds its statement
    refuse: dict[str, str] = field(default_factory=dict)  # assigned literal -> code of the error, left as is
    state_key: str | None = None  # "always" | "prefixed": string literals ending in it are state-dict keys
    call: str | None = None  # a method: its call becomes this ({object}, {state}, {args}, {mindspore})
    statement: str | None = None  # a method whose call, as a whole statement, becomes these statements
    tensor: bool = False  # its value is a tensor (a Parameter): uses of it are checked against the target's
    none_check: str | None = None  # code raised where it is compared with None
    outside: bool = False  # reported only where the layer is used from outside its own methods
    absent: str | None = None  # "ones" | "zeros": the target always has this state; what a checkpoint lacking it gets
    returns_self: bool = False  # a method whose call gives the layer back (`bn.eval().requires_grad_(...)`)


@dataclass(frozen=True, eq=False)
class Api:
    sources: tuple[str, ...]
    target: str | None
    target_signature: tuple[str, ...]
    attribute_path: str = ""  # where the target keeps its state, e.g. "bn2d" for BatchNorm3d
    by_rank: bool = False  # the rule's infer table picks the variant from the input's rank


@dataclass(frozen=True)
class Example:
    before: str
    after: str


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    title: str
    safety: str
    why: str
    file: str
    source_signature: tuple[str, ...]
    args: dict[str, ArgSpec]
    apis: tuple[Api, ...]
    report: str | None  # report-only rules: the message of the finding (code: the rule's id)
    examples: tuple[Example, ...]
    report_severity: str = "error"
    kind: str = "class"  # "class" (references are rewritten too) | "function"
    attributes: dict[str, AttrSpec] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)  # class attribute -> code of its finding
    subclass: str | None = None  # code for `class X(<source>)`; {methods} = the methods it defines
    max_rank: int | None = None  # inputs above this rank are not accepted by the target
    rank_message: str | None = None  # code
    # the input ranks the target layer accepts (a layer is built here and applied elsewhere): where the
    # code shows another rank, ranks_refuse (error, the call left); where it shows none, ranks_unknown
    input_ranks: tuple[int, ...] = ()
    ranks_refuse: str | None = None
    ranks_unknown: str | None = None
    ranks_target: str | None = None  # the input ranks apply where this target is built (a variant); None: always
    variants: dict[str, Api] = field(default_factory=dict)  # targets chosen per call (by rank, by a value)
    infer: Infer | None = None
    together: tuple[Together, ...] = ()
    call_signature: tuple[str, ...] = ()  # the signature of applying a built layer (`bn(x, training=...)`)
    call_args: dict[str, ArgSpec] = field(default_factory=dict)
    reference_report: str | None = None  # code: the class used as a value is reported, not rewritten
    # the layer is applied to the symbolic tensors of a model being built (Keras): what it is applied to
    # is always the source framework's, so its inputs are not checked one by one
    symbolic_inputs: bool = False
    type_test: tuple[str, str] | None = None  # (target template, code): the class in a type test becomes this
    reassigned: str | None = None  # code: the module assigns to the API's path; its uses are left alone
    unresolved: str | None = None  # code: `<name>.<API>` through a name bound at run time (one per file)
    approximate: str | None = None  # why every edit of this rule is approximate (said once in the summary)
    kinds: dict[str, str] = field(default_factory=dict)  # engine kind -> code, for this rule's file


@dataclass(frozen=True)
class CheckpointLayer:
    """A layer whose checkpoint entries `bnport weights` reports and leaves alone (bnport converts
    BatchNorm only): torch LayerNorm's weight/bias are MindSpore's gamma/beta."""

    sources: tuple[str, ...]  # qualified torch classes
    target: str  # the MindSpore class
    entries: dict[str, str]  # torch entry name -> MindSpore name
    report: str  # the finding ({prefix}, {source}, {target}, {names})


@dataclass(frozen=True, eq=False)
class RuleSet:
    rules: tuple[Rule, ...]
    # qualified source name -> (rule, api)
    by_source: dict[str, tuple[Rule, Api]]
    dtypes: dict[str, str]
    # last components of every source name: a file containing none of them is never parsed
    tokens: tuple[bytes, ...]
    directory: Path | None = None  # where it was loaded from; workers load the same rules
    partials: frozenset[str] = frozenset()  # callables whose first argument is a class (functools.partial)
    initializers: dict[str, Initializer] = field(default_factory=dict)  # torch init function -> MindSpore form
    star_exports: dict[str, tuple[str, ...]] = field(default_factory=dict)  # module -> submodules its star import binds
    selection: tuple = ((), ())  # (select, ignore) it was narrowed with; workers narrow the same way
    codes: dict[str, Code] = field(default_factory=dict)  # every finding code, by id
    common: dict[str, str] = field(default_factory=dict)  # engine kind -> its framework-neutral code
    tensor_same: frozenset[str] = frozenset()  # source tensor methods/attributes that do the same on the target
    tensor_plain: frozenset[str] = frozenset()  # tensor methods whose result is a Python or numpy value
    tensor_absent: frozenset[str] = frozenset()  # source tensor methods the target's Tensor does not have
    # methods whose call `obj.<method>("name", value)` stores value as obj's attribute (torch's add_module)
    named_stores: frozenset[str] = frozenset()
    # source module methods that walk registered submodules (torch's modules(), apply()): they never
    # reach a MindSpore cell stored on a source module
    traversals: frozenset[str] = frozenset()
    submodule_lookups: frozenset[str] = frozenset()  # `model.get_submodule("stem.bn")`: a registered submodule by path
    # (rule file, key): `{"class_name": "BatchNormalization", ...}` is a serialized layer of that file's rules
    serialized_keys: frozenset[tuple[str, str]] = frozenset()
    config_keys: frozenset[str] = frozenset({"type"})  # dict(type=<class>, ...): a registry config's class key
    # keys a registry's builder takes out of a config before building (mmcv's build_norm_layer pops
    # requires_grad): kept as they are, not layer arguments
    builder_keys: frozenset[str] = frozenset({"requires_grad"})
    checkpoint_layers: tuple[CheckpointLayer, ...] = ()  # other layers `bnport weights` reports

    def mentioned_in(self, data: bytes) -> bool:
        """Cheap byte test: a file naming no source API is never parsed (libcst is not even imported)."""
        return any(token in data for token in self.tokens)

    def sources_of_target(self, target: str) -> list[tuple[Rule, Api]]:
        """The (rule, api) pairs that convert to `target` (mindspore.nn.BatchNorm2d), one per api."""
        found: dict[tuple, tuple[Rule, Api]] = {}
        for rule, api in self.by_source.values():
            targets = {api.target, *(v.target for v in rule.variants.values())} if rule.variants else {api.target}
            if target in targets:
                found.setdefault((id(rule), api.sources), (rule, api))
        return list(found.values())

    @property
    def targets(self) -> frozenset[str]:
        """Every class or function the rules convert to."""
        return frozenset(t for rule, api in self.by_source.values()
                         for t in (api.target, *(v.target for v in rule.variants.values())) if t)

    def __post_init__(self):
        names = [*self.by_source, *self.dtypes, *self.partials, *self.initializers]
        for rule in self.rules:
            if rule.infer is not None:
                names += rule.infer.names
            names += [callee for spec in rule.args.values() for callee in spec.calls]
        prefixes = {n.rsplit(".", i)[0] for n in names for i in range(n.count(".") + 1)}
        object.__setattr__(self, "_wanted", frozenset(names))
        object.__setattr__(self, "_prefixes", frozenset(prefixes))
        star: dict[str, list[str]] = {}
        for name in sorted(set(names)):
            module, _, leaf = name.rpartition(".")
            if module and not leaf.startswith("_"):
                star.setdefault(module, []).append(leaf)
        object.__setattr__(self, "_star", {module: tuple(leaves) for module, leaves in star.items()})

    def wanted(self, name: str) -> bool:
        return name in self._wanted

    def star_names(self, module: str) -> tuple[str, ...]:
        """The wanted names `from <module> import *` binds: those directly under it, without a leading
        underscore (torch.nn, torch and keras.layers export them), and the submodules the rule data
        lists under [star_imports] (`from torch.nn import *` binds functional; `from torch import *` not nn)."""
        return self._star.get(module, ()) + self.star_exports.get(module, ())

    def relevant(self, name: str) -> bool:
        """Could a name under this import binding be wanted (torch, torch.nn, functools, ...)?"""
        return name in self._prefixes

    def code_for(self, rule: Rule | None, kind: str) -> Code:
        """The code an engine finding of this kind has for this rule (its file's own, else the common one)."""
        return self.codes[(rule.kinds.get(kind) if rule is not None else None) or self.common[kind]]

    def shows(self, code: str, rule: str | None) -> bool:
        """Whether --select / --ignore let a finding with this code (raised for this rule) through."""
        select, ignore = self.selection
        if any(code.startswith(c) for c in ignore):
            return False
        return not select or any(code.startswith(c) or (rule or "").startswith(c) for c in select)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def default_rules_dir() -> Path:
    """rules/ inside an installed wheel, else the repository's top-level rules/ (editable install)."""
    here = Path(__file__).resolve().parent
    packaged = here / "rules"
    return packaged if packaged.is_dir() else here.parent.parent / "rules"


@cache
def load_rules(directory: Path | None = None) -> RuleSet:
    directory = directory or default_rules_dir()
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise RuleError(f"{directory}: no rule files (*.toml) found")
    rules: list[Rule] = []
    dtypes: dict[str, str] = {}
    partials: set[str] = set()
    star_exports: dict[str, tuple[str, ...]] = {}
    initializers: dict[str, Initializer] = {}
    codes: dict[str, Code] = {}
    tensor_same: set[str] = set()
    named_stores: set[str] = set()
    traversals: set[str] = set()
    submodule_lookups: set[str] = set()
    serialized_keys: set[tuple[str, str]] = set()
    tensor_plain: set[str] = set()
    tensor_absent: set[str] = set()
    common: dict[str, str] = {}  # engine kind -> code, from files that hold codes only (common.toml)
    checkpoint_layers: list[CheckpointLayer] = []
    for path in files:
        loaded = _load_file(path)
        if not loaded.rules:
            common.update({code.kind: code.id for code in loaded.codes.values() if code.kind is not None})
        rules.extend(loaded.rules)
        dtypes.update(loaded.dtypes)
        partials.update(loaded.partials)
        star_exports.update(loaded.star_exports)
        initializers.update(loaded.initializers)
        tensor_same |= loaded.tensor_same
        named_stores |= loaded.named_stores
        traversals |= loaded.traversals
        submodule_lookups |= loaded.submodule_lookups
        serialized_keys |= {(rule.file, key) for rule in loaded.rules for key in loaded.serialized_keys}
        tensor_plain |= loaded.tensor_plain
        tensor_absent |= loaded.tensor_absent
        for code in loaded.codes.values():
            if code.id in codes:
                raise RuleError(f"{code.file}: codes.{code.id}: already defined in {codes[code.id].file}")
            codes[code.id] = code
        checkpoint_layers.extend(loaded.checkpoint_layers)
    seen_ids: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen_ids or rule.id in codes:
            raise RuleError(f"{rule.file}: rule.id: {rule.id} is already defined in {seen_ids.get(rule.id) or codes[rule.id].file}")
        seen_ids[rule.id] = rule.file
        if rule.report is not None:  # a report-only rule's finding carries the rule's own id
            codes[rule.id] = Code(rule.id, rule.title, rule.report_severity, rule.report, rule.why, rule.report,
                                  rule.file, example=rule.examples[0].before if rule.examples else None)
    missing = [kind for kind in ENGINE_KINDS if kind not in common]
    if missing:
        raise RuleError(f"{directory}: codes: no file of codes only (common.toml) gives a code to the engine's findings "
                        f"{', '.join(missing)}")
    for rule in rules:
        for code in _referenced_codes(rule):
            if code not in codes:
                raise RuleError(f"{rule.file}: {rule.id}: unknown finding code {code!r} (define it under [codes])")
    result = _ruleset(tuple(rules), dtypes, directory, frozenset(partials), initializers, codes, common,
                      tuple(checkpoint_layers), star_exports)
    object.__setattr__(result, "tensor_same", frozenset(tensor_same))
    object.__setattr__(result, "named_stores", frozenset(named_stores))
    object.__setattr__(result, "traversals", frozenset(traversals))
    object.__setattr__(result, "submodule_lookups", frozenset(submodule_lookups))
    object.__setattr__(result, "serialized_keys", frozenset(serialized_keys))
    object.__setattr__(result, "tensor_plain", frozenset(tensor_plain))
    object.__setattr__(result, "tensor_absent", frozenset(tensor_absent))
    return result


def _referenced_codes(rule: Rule):
    """Every finding code a rule's data names."""
    for spec in (*rule.args.values(), *rule.call_args.values()):
        if spec.drop:
            yield spec.drop
        for action in spec.values.values():
            if action.code:
                yield action.code
        if spec.otherwise is not None:
            yield spec.otherwise.code
        yield from (action.code for action in spec.targets.values())
        yield from (c.code for c in (spec.within, spec.coerce) if c is not None)
        yield from (template.tensor_code for template in spec.calls.values() if template.tensor_code)
    for spec in rule.attributes.values():
        yield from (c for c in (spec.report, spec.note, spec.none_check, *spec.refuse.values()) if c)
    yield from rule.members.values()
    yield from (c for c in (rule.subclass, rule.rank_message, rule.reference_report, rule.ranks_refuse, rule.ranks_unknown,
                                       rule.reassigned, rule.unresolved) if c)
    if rule.type_test is not None:
        yield rule.type_test[1]
    if rule.infer is not None:
        yield from rule.infer.messages.values()
    yield from rule.kinds.values()


@cache
def load_selected(directory: Path | None, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> RuleSet:
    """The rules whose id starts with one of `select` (all when empty) and with none of `ignore`."""
    ruleset = load_rules(directory)
    if not select and not ignore:
        return ruleset
    kept = tuple(r for r in ruleset.rules
                 if (not select or any(r.id.startswith(c) for c in select)) and not any(r.id.startswith(c) for c in ignore))
    result = _ruleset(kept, ruleset.dtypes, ruleset.directory, ruleset.partials, ruleset.initializers,
                      ruleset.codes, ruleset.common, ruleset.checkpoint_layers, ruleset.star_exports)
    object.__setattr__(result, "selection", (select, ignore))
    object.__setattr__(result, "tensor_same", ruleset.tensor_same)
    object.__setattr__(result, "named_stores", ruleset.named_stores)
    object.__setattr__(result, "traversals", ruleset.traversals)
    object.__setattr__(result, "submodule_lookups", ruleset.submodule_lookups)
    object.__setattr__(result, "serialized_keys", ruleset.serialized_keys)
    object.__setattr__(result, "tensor_plain", ruleset.tensor_plain)
    object.__setattr__(result, "tensor_absent", ruleset.tensor_absent)
    return result


def _ruleset(rules: tuple[Rule, ...], dtypes, directory, partials, initializers, codes, common,
             checkpoint_layers=(), star_exports=None) -> RuleSet:
    by_source: dict[str, tuple[Rule, Api]] = {}
    for rule in rules:
        for api in rule.apis:
            for source in api.sources:
                if source in by_source:
                    raise RuleError(f"{rule.file}: {rule.id}.apis: {source} is mapped twice")
                by_source[source] = (rule, api)
    # A name computed from digits spells the part before the first digit, then a field:
    # f"BatchNorm{dim}d", "BatchNorm{}d".format(dim), "BatchNorm%dd" % dim.
    leaves = {s.rsplit(".", 1)[-1] for s in by_source}
    computed = {re.split("[0-9]", leaf, maxsplit=1)[0] + field for leaf in leaves if re.search("[0-9]", leaf) for field in "{%"}
    tokens = tuple(sorted(name.encode() for name in leaves | computed))
    return RuleSet(rules, by_source, dtypes, tokens, directory, partials, initializers, codes=codes, common=common,
                   checkpoint_layers=checkpoint_layers, star_exports=star_exports or {})


@dataclass
class _FileRules:
    rules: list[Rule]
    dtypes: dict[str, str]
    partials: list[str]
    initializers: dict[str, Initializer]
    codes: dict[str, Code]
    tensor_same: frozenset[str] = frozenset()
    checkpoint_layers: list[CheckpointLayer] = field(default_factory=list)
    star_exports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    named_stores: frozenset[str] = frozenset()
    tensor_plain: frozenset[str] = frozenset()
    tensor_absent: frozenset[str] = frozenset()
    traversals: frozenset[str] = frozenset()
    serialized_keys: frozenset[str] = frozenset()
    submodule_lookups: frozenset[str] = frozenset()


def _load_file(path: Path) -> _FileRules:
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{name}: (file): {exc}") from None
    check = _Checker(name)
    check.keys(data, "(top level)", {"signatures", "dtypes", "rule", "partials", "initializers", "prefixes", "value_sets",
                                     "codes", "target", "checkpoint_layers", "star_imports",
                                     "named_stores", "traversals", "serialized_keys", "submodule_lookups"})
    codes = {key: _load_code(check, key, value) for key, value in check.table(data.get("codes", {}), "codes").items()}
    kinds = {code.kind: code.id for code in codes.values() if code.kind is not None}
    check.prefixes = {
        key: check.str_list(value, f"prefixes.{key}")
        for key, value in check.table(data.get("prefixes", {}), "prefixes").items()
    }
    signatures = {
        key: tuple(check.str_list(value, f"signatures.{key}"))
        for key, value in check.table(data.get("signatures", {}), "signatures").items()
    }
    dtypes = {
        key: check.string(value, f"dtypes.{key}")
        for key, value in check.table(data.get("dtypes", {}), "dtypes").items()
    }
    check.value_sets = {
        key: check.table(value, f"value_sets.{key}")
        for key, value in check.table(data.get("value_sets", {}), "value_sets").items()
    }
    raw_rules = data.get("rule", [])
    target = check.table(data.get("target", {}), "target")
    check.keys(target, "target", {"module", "tensor_same", "tensor_plain", "tensor_absent"})
    if not isinstance(raw_rules, list) or not (raw_rules or codes or target or data.get("checkpoint_layers")):
        raise RuleError(f"{name}: rule: expected at least one [[rule]] table (or, in a file of codes only, [codes])")
    raw_rules = _resolve_extends(check, raw_rules)
    return _FileRules(
        [replace(_load_rule(check, raw, index, signatures), kinds=kinds) for index, raw in enumerate(raw_rules)],
        dtypes,
        check.str_list(data.get("partials", []), "partials"),
        {
            key: _load_initializer(check, value, f"initializers.{key}")
            for key, value in check.table(data.get("initializers", {}), "initializers").items()
        },
        codes,
        frozenset(check.str_list(target.get("tensor_same", []), "target.tensor_same")),
        [_load_checkpoint_layer(check, raw, f"checkpoint_layers[{i}]")
         for i, raw in enumerate(check.list(data.get("checkpoint_layers", []), "checkpoint_layers"))],
        {
            key: tuple(check.str_list(value, f"star_imports.{key}"))
            for key, value in check.table(data.get("star_imports", {}), "star_imports").items()
        },
        frozenset(check.str_list(data.get("named_stores", []), "named_stores")),
        frozenset(check.str_list(target.get("tensor_plain", []), "target.tensor_plain")),
        frozenset(check.str_list(target.get("tensor_absent", []), "target.tensor_absent")),
        frozenset(check.str_list(data.get("traversals", []), "traversals")),
        frozenset(check.str_list(data.get("serialized_keys", []), "serialized_keys")),
        frozenset(check.str_list(data.get("submodule_lookups", []), "submodule_lookups")),
    )


def _load_initializer(check: _Checker, raw: object, where: str) -> Initializer:
    if isinstance(raw, str):
        return Initializer(check.string(raw, where))
    raw = check.table(raw, where)
    check.keys(raw, where, {"form", "exact"}, required={"form"})
    return Initializer(check.string(raw["form"], f"{where}.form"), check.boolean(raw.get("exact", False), f"{where}.exact"))


def _load_code(check: _Checker, key: str, raw: object) -> Code:
    where = f"codes.{key}"
    if not CODE_PATTERN.match(key):
        check.fail(where, "a code is three capital letters and three digits (TBN101)")
    raw = check.table(raw, where)
    check.keys(raw, where, {"title", "severity", "message", "why", "fix", "kind", "example"},
               required={"title", "severity", "message", "why", "fix"})
    kind = raw.get("kind")
    if kind is not None and kind not in ENGINE_KINDS:
        check.fail(f"{where}.kind", f"expected one of {', '.join(ENGINE_KINDS)}, got {kind!r}")
    message = check.string(raw["message"], f"{where}.message")
    if "\n" in message.strip():
        check.fail(f"{where}.message", "a message is one line (it is also written beside the code)")
    return Code(
        id=key,
        title=check.string(raw["title"], f"{where}.title"),
        severity=check.choice(raw["severity"], f"{where}.severity", SEVERITIES),
        message=message.strip(),
        why=" ".join(check.string(raw["why"], f"{where}.why").split()),
        fix=" ".join(check.string(raw["fix"], f"{where}.fix").split()),
        file=check.file,
        kind=kind,
        example=raw.get("example") and check.string(raw["example"], f"{where}.example"),
    )


def _load_checkpoint_layer(check: _Checker, raw: object, where: str) -> CheckpointLayer:
    raw = check.table(raw, where)
    check.keys(raw, where, {"sources", "target", "entries", "report"}, required={"sources", "target", "entries", "report"})
    entries = {name: check.string(to, f"{where}.entries.{name}")
               for name, to in check.table(raw["entries"], f"{where}.entries").items()}
    if not entries:
        check.fail(f"{where}.entries", "expected at least one entry (torch name = MindSpore name)")
    return CheckpointLayer(tuple(check.str_list(raw["sources"], f"{where}.sources")),
                           check.string(raw["target"], f"{where}.target"), entries,
                           check.string(raw["report"], f"{where}.report"))


_INHERITED_TABLES = ("args", "attributes", "members")
_INHERITED_VALUES = ("subclass", "kind", "max_rank", "rank_message", "variants", "infer", "together",
                     "call_signature", "call_args", "reference_report", "approximate", "type_test",
                     "reassigned", "unresolved", "symbolic_inputs")


def _resolve_extends(check: _Checker, raw_rules: list) -> list:
    """`extends = "<id>"` starts a rule's args from an earlier rule's in the same file; its own entries win."""
    by_id: dict[str, dict] = {}
    resolved = []
    for index, raw in enumerate(raw_rules):
        raw = dict(check.table(raw, f"rule[{index}]"))
        parent_id = raw.pop("extends", None)
        if parent_id is not None:
            parent = by_id.get(parent_id)
            if parent is None:
                check.fail(f"{raw.get('id', f'rule[{index}]')}.extends", f"no earlier rule {parent_id!r} in this file")
            for key in _INHERITED_TABLES:
                raw[key] = {**parent.get(key, {}), **check.table(raw.get(key, {}), f"{raw.get('id')}.{key}")}
            for key in _INHERITED_VALUES:
                if key in parent and key not in raw:
                    raw[key] = parent[key]
        if isinstance(raw.get("id"), str):
            by_id[raw["id"]] = raw
        resolved.append(raw)
    return resolved


def _load_rule(check: _Checker, raw: object, index: int, signatures: dict) -> Rule:
    where = f"rule[{index}]"
    raw = check.table(raw, where)
    check.keys(
        raw,
        where,
        {"id", "title", "safety", "why", "source_signature", "apis", "args", "report", "examples",
         "kind", "attributes", "members", "subclass", "max_rank", "rank_message", "report_severity",
         "variants", "infer", "together", "call_signature", "call_args", "reference_report", "approximate", "type_test",
         "input_ranks", "ranks_refuse", "ranks_unknown", "ranks_target",
         "reassigned", "unresolved", "symbolic_inputs"},
        required={"id", "title", "safety", "why", "source_signature", "apis"},
    )
    rule_id = check.string(raw["id"], f"{where}.id")
    where = rule_id
    safety = check.choice(raw["safety"], f"{where}.safety", SAFETIES)
    source_signature = _signature(check, signatures, raw["source_signature"], f"{where}.source_signature")
    report = raw.get("report")
    if (safety == "report-only") != (report is not None):
        check.fail(f"{where}.report", "report-only rules, and only they, carry a report message")
    if (safety == "approximate") != ("approximate" in raw):
        check.fail(f"{where}.approximate", "approximate rules, and only they, say why (`approximate`)")
    variants = {
        name: _load_target(check, signatures, spec, f"{where}.variants.{name}", ())
        for name, spec in check.table(raw.get("variants", {}), f"{where}.variants").items()
    }
    apis = []
    for i, api in enumerate(check.list(raw["apis"], f"{where}.apis")):
        key = f"{where}.apis[{i}]"
        api = check.table(api, key)
        check.keys(api, key, {"sources", "target", "target_signature", "attribute_path", "variant", "by_rank"},
                   required={"sources"})
        sources = tuple(source for j, template in enumerate(check.str_list(api["sources"], f"{key}.sources"))
                        for source in check.expand(template, f"{key}.sources[{j}]"))
        if "variant" in api:
            variant = variants.get(api["variant"])
            if variant is None or "target" in api:
                check.fail(f"{key}.variant", f"expected the name of one of {where}.variants, and no target")
            apis.append(replace(variant, sources=sources, by_rank=check.boolean(api.get("by_rank", False), f"{key}.by_rank")))
            continue
        target = api.get("target")
        if (target is None) != (report is not None):
            check.fail(f"{key}.target", "a rewriting rule needs a target; a report-only rule has none")
        apis.append(_load_target(check, signatures, api, key, sources))
    args = {
        arg: _load_arg(check, spec, f"{where}.args.{arg}")
        for arg, spec in check.table(raw.get("args", {}), f"{where}.args").items()
    }
    if report is None:
        for param in source_signature:
            if param not in args:
                check.fail(f"{where}.args", f"parameter {param!r} of the source signature has no entry")
    examples = []
    for i, example in enumerate(check.list(raw.get("examples", []), f"{where}.examples")):
        key = f"{where}.examples[{i}]"
        example = check.table(example, key)
        check.keys(example, key, {"before", "after"}, required={"before", "after"})
        examples.append(Example(check.string(example["before"], f"{key}.before"), check.string(example["after"], f"{key}.after")))
    attributes = {
        name: _load_attribute(check, spec, f"{where}.attributes.{name}")
        for name, spec in check.table(raw.get("attributes", {}), f"{where}.attributes").items()
    }
    members = {
        name: check.code(code, f"{where}.members.{name}")
        for name, code in check.table(raw.get("members", {}), f"{where}.members").items()
    }
    max_rank = raw.get("max_rank")
    if max_rank is not None and (not isinstance(max_rank, int) or "rank_message" not in raw):
        check.fail(f"{where}.max_rank", "expected an integer, with a rank_message")
    input_ranks = tuple(raw.get("input_ranks", ()))
    if not all(isinstance(r, int) and not isinstance(r, bool) for r in input_ranks) or (
            bool(input_ranks) != ("ranks_refuse" in raw and "ranks_unknown" in raw)):
        check.fail(f"{where}.input_ranks", "expected a list of integers, with ranks_refuse and ranks_unknown")
    together = []
    for i, entry in enumerate(check.list(raw.get("together", []), f"{where}.together")):
        key = f"{where}.together[{i}]"
        entry = check.table(entry, key)
        check.keys(entry, key, {"args", "to", "value"}, required={"args", "to", "value"})
        combined = {arg: check.string(v, f"{key}.args.{arg}") for arg, v in check.table(entry["args"], f"{key}.args").items()}
        if len(combined) < 2 or not set(combined) <= set(args):
            check.fail(f"{key}.args", "expected two or more parameters that have args entries")
        together.append(Together(combined, check.string(entry["to"], f"{key}.to"), check.string(entry["value"], f"{key}.value")))
    call_signature: tuple[str, ...] = ()
    call_args: dict[str, ArgSpec] = {}
    if "call_args" in raw:
        call_signature = _signature(check, signatures, raw.get("call_signature"), f"{where}.call_signature")
        call_args = {
            arg: _load_arg(check, spec, f"{where}.call_args.{arg}")
            for arg, spec in check.table(raw["call_args"], f"{where}.call_args").items()
        }
    infer = _load_infer(check, raw["infer"], f"{where}.infer", variants, signatures) if "infer" in raw else None
    for api in apis:
        if api.by_rank and infer is None:
            check.fail(f"{where}.apis", "by_rank needs an infer table")
    for name, spec in args.items():
        for literal, action in spec.values.items():
            if action.kind == "target" and action.target not in variants:
                check.fail(f"{where}.args.{name}.values.{literal}.target", f"unknown variant {action.target!r}")
    return Rule(
        id=rule_id,
        title=check.string(raw["title"], f"{where}.title"),
        safety=safety,
        why=check.string(raw["why"], f"{where}.why").strip(),
        file=check.file,
        source_signature=source_signature,
        args=args,
        apis=tuple(apis),
        report=None if report is None else check.string(report, f"{where}.report"),
        examples=tuple(examples),
        report_severity=check.choice(raw.get("report_severity", "error"), f"{where}.report_severity", SEVERITIES),
        kind=check.choice(raw.get("kind", "class"), f"{where}.kind", ("class", "function")),
        attributes=attributes,
        members=members,
        subclass=raw.get("subclass") and check.code(raw["subclass"], f"{where}.subclass"),
        max_rank=max_rank,
        rank_message=raw.get("rank_message") and check.code(raw["rank_message"], f"{where}.rank_message"),
        variants=variants,
        infer=infer,
        together=tuple(together),
        call_signature=call_signature,
        call_args=call_args,
        reference_report=raw.get("reference_report") and check.code(raw["reference_report"], f"{where}.reference_report"),
        symbolic_inputs=check.boolean(raw.get("symbolic_inputs", False), f"{where}.symbolic_inputs"),
        type_test=_load_type_test(check, raw.get("type_test"), f"{where}.type_test"),
        reassigned=raw.get("reassigned") and check.code(raw["reassigned"], f"{where}.reassigned"),
        unresolved=raw.get("unresolved") and check.code(raw["unresolved"], f"{where}.unresolved"),
        approximate=raw.get("approximate") and check.string(raw["approximate"], f"{where}.approximate").strip(),
        input_ranks=input_ranks,
        ranks_refuse=raw.get("ranks_refuse") and check.code(raw["ranks_refuse"], f"{where}.ranks_refuse"),
        ranks_unknown=raw.get("ranks_unknown") and check.code(raw["ranks_unknown"], f"{where}.ranks_unknown"),
        ranks_target=raw.get("ranks_target") and check.string(raw["ranks_target"], f"{where}.ranks_target"),
    )


def _load_type_test(check: _Checker, raw, where: str) -> tuple[str, str] | None:
    if raw is None:
        return None
    raw = check.table(raw, where)
    check.keys(raw, where, {"target", "code"}, required={"target", "code"})
    return check.string(raw["target"], f"{where}.target"), check.code(raw["code"], f"{where}.code")


def _signature(check: _Checker, signatures: dict, name, where: str) -> tuple[str, ...]:
    signature = signatures.get(name) if isinstance(name, str) else None
    if signature is None:
        check.fail(where, f"unknown signature {name!r}")
    return signature


def _load_target(check: _Checker, signatures: dict, spec: object, where: str, sources: tuple[str, ...]) -> Api:
    spec = check.table(spec, where)
    if not sources:
        check.keys(spec, where, {"target", "target_signature", "attribute_path"}, required={"target", "target_signature"})
    target = spec.get("target")
    target_signature: tuple[str, ...] = ()
    if target is not None:
        check.string(target, f"{where}.target")
        target_signature = _signature(check, signatures, spec.get("target_signature"), f"{where}.target_signature")
    path = check.string(spec["attribute_path"], f"{where}.attribute_path") if "attribute_path" in spec else ""
    return Api(sources, target, target_signature, path)


_INFER_MESSAGES = ("unknown", "rank_unknown", "not_copyable", "other_axis", "uncertain", "channels_last",
                   "axis_variable", "axis_other", "axis_unknown_rank")
_INFER_KEYS = {"param", "axis", "placeholder", "ranks", "default_variant", "layers", "declared_input", "format_functions",
               "format_setters", "shape_functions", "keeps_layers", "messages"}


def _load_infer(check: _Checker, raw: object, where: str, variants: dict[str, Api], signatures: dict) -> Infer:
    raw = check.table(raw, where)
    check.keys(raw, where, _INFER_KEYS, required=_INFER_KEYS)
    ranks = {}
    for rank, variant in check.table(raw["ranks"], f"{where}.ranks").items():
        if not rank.isdigit() or variant not in variants:
            check.fail(f"{where}.ranks.{rank}", "expected a rank (digits) mapped to the name of a variant")
        ranks[int(rank)] = variant
    default = raw["default_variant"]
    if default not in variants:
        check.fail(f"{where}.default_variant", f"unknown variant {default!r}")
    layers = {}
    for name, spec in check.table(raw["layers"], f"{where}.layers").items():
        key = f"{where}.layers.{name}"
        loaded = _load_layer_shape(check, spec, key, signatures)
        for source in check.expand(name, key):
            if source in layers:
                check.fail(key, f"{source} is listed twice")
            layers[source] = loaded
    declared = check.table(raw["declared_input"], f"{where}.declared_input")
    for keyword, meaning in declared.items():
        check.choice(meaning, f"{where}.declared_input.{keyword}", ("shape", "batch_shape", "size"))

    def names(key: str) -> tuple[str, ...]:
        return tuple(n for i, template in enumerate(check.str_list(raw[key], f"{where}.{key}"))
                     for n in check.expand(template, f"{where}.{key}[{i}]"))

    messages = check.table(raw["messages"], f"{where}.messages")
    check.keys(messages, f"{where}.messages", set(_INFER_MESSAGES), required=set(_INFER_MESSAGES))
    return Infer(
        param=check.string(raw["param"], f"{where}.param"),
        axis=check.string(raw["axis"], f"{where}.axis"),
        placeholder=check.string(raw["placeholder"], f"{where}.placeholder"),
        ranks=ranks,
        default_variant=default,
        layers=layers,
        declared_input=dict(declared),
        format_functions=names("format_functions"),
        format_setters=names("format_setters"),
        shape_functions=names("shape_functions"),
        keeps_layers=tuple(check.str_list(raw["keeps_layers"], f"{where}.keeps_layers")),
        messages={k: check.code(v, f"{where}.messages.{k}") for k, v in messages.items()},
    )


def _load_layer_shape(check: _Checker, spec: object, key: str, signatures: dict) -> LayerShape:
    spec = check.table(spec, key)
    kind = check.choice(spec.get("kind"), f"{key}.kind", tuple(LAYER_KINDS))
    required, allowed = LAYER_KINDS[kind]
    check.keys(spec, key, {"kind", "signature", "function"} | allowed, required=required)
    rank = spec.get("rank")
    if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool) or rank < 2):
        check.fail(f"{key}.rank", f"expected an integer rank of 2 or more (batch included), got {rank!r}")
    signature = _signature(check, signatures, spec["signature"], f"{key}.signature") if "signature" in spec else ()
    for role in ("count", "multiplier"):
        if role in spec and check.string(spec[role], f"{key}.{role}") not in signature:
            check.fail(f"{key}.{role}", f"{spec[role]!r} is not a parameter of its signature {list(signature)}")
    return LayerShape(
        kind=kind,
        signature=signature,
        rank=rank,
        count=spec.get("count"),
        multiplier=spec.get("multiplier"),
        channels=spec.get("channels") and check.choice(spec["channels"], f"{key}.channels", ("first", "last")),
        function=check.boolean(spec.get("function", False), f"{key}.function"),
    )


def _load_attribute(check: _Checker, spec: object, where: str) -> AttrSpec:
    spec = check.table(spec, where)
    check.keys(spec, where, {"to", "report", "on_assign", "note", "refuse", "state_key", "call", "statement", "tensor",
                             "none_check", "absent", "outside", "returns_self"})
    if sum(key in spec for key in ("to", "report", "call", "statement")) != 1:
        check.fail(where, "needs exactly one of 'to', 'report', 'call' or 'statement'")
    if "absent" in spec and "state_key" not in spec:
        check.fail(f"{where}.absent", "only state entries (with a state_key) are filled when a checkpoint lacks them")
    if "absent" in spec and "to" not in spec:
        check.fail(f"{where}.absent", "only renamed entries ('to') can be filled")
    refuse = {
        literal: check.code(code, f"{where}.refuse.{literal}")
        for literal, code in check.table(spec.get("refuse", {}), f"{where}.refuse").items()
    }
    return AttrSpec(
        name=where.rsplit(".", 1)[-1],
        to=spec.get("to") and check.string(spec["to"], f"{where}.to"),
        report=spec.get("report") and check.code(spec["report"], f"{where}.report"),
        on_assign=spec.get("on_assign") and check.string(spec["on_assign"], f"{where}.on_assign"),
        note=spec.get("note") and check.code(spec["note"], f"{where}.note"),
        refuse=refuse,
        state_key=spec.get("state_key") and check.choice(spec["state_key"], f"{where}.state_key", ("always", "prefixed")),
        call=spec.get("call") and check.string(spec["call"], f"{where}.call"),
        statement=spec.get("statement") and check.string(spec["statement"], f"{where}.statement"),
        tensor=check.boolean(spec.get("tensor", False), f"{where}.tensor"),
        none_check=spec.get("none_check") and check.code(spec["none_check"], f"{where}.none_check"),
        outside=check.boolean(spec.get("outside", False), f"{where}.outside"),
        absent=spec.get("absent") and check.choice(spec["absent"], f"{where}.absent", ("ones", "zeros")),
        returns_self=check.boolean(spec.get("returns_self", False), f"{where}.returns_self"),
    )


def _load_arg(check: _Checker, spec: object, where: str) -> ArgSpec:
    spec = check.table(spec, where)
    check.keys(spec, where, {"to", "transform", "drop", "values", "otherwise", "default", "positional", "values_from",
                             "targets", "within", "coerce"})
    if "default" in spec and "to" not in spec:
        check.fail(f"{where}.default", "a default is written under the 'to' name, so 'to' is required")
    if ("to" in spec) + ("drop" in spec) + ("otherwise" in spec) == 0:
        check.fail(where, "needs one of 'to', 'drop' or 'otherwise'")
    if "to" in spec and "drop" in spec:
        check.fail(where, "'to' and 'drop' exclude each other")
    transform = spec.get("transform")
    if transform is not None:
        check.choice(transform, f"{where}.transform", TRANSFORMS)
    to = spec.get("to") and check.string(spec["to"], f"{where}.to")
    shared: dict = {}
    calls: dict[str, CallTemplate] = {}
    if "values_from" in spec:
        # A named set of values shared by several arguments (the four Keras initializers).
        set_name = spec["values_from"]
        shared = check.value_sets.get(set_name) if isinstance(set_name, str) else None
        if shared is None or to is None:
            check.fail(f"{where}.values_from", f"expected the name of a [value_sets] table, and a 'to'; got {set_name!r}")
        set_where = f"value_sets.{set_name}"
        check.keys(shared, set_where, {"values", "calls", "otherwise"})
        for callee, template in check.table(shared.get("calls", {}), f"{set_where}.calls").items():
            loaded = _load_call_template(check, template, f"{set_where}.calls.{callee}")
            for name in check.expand(callee, f"{set_where}.calls.{callee}"):
                calls[name] = loaded
    values = {}
    for source, table in ((shared, "values_from"), (spec, where)):
        for literal, action in check.table(source.get("values", {}), f"{table}.values").items():
            values[literal] = _load_value_action(check, action, f"{table}.values.{literal}", to)
    otherwise = None
    raw_otherwise = spec.get("otherwise", shared.get("otherwise"))
    if raw_otherwise is not None:
        key = f"{where}.otherwise"
        raw = check.table(raw_otherwise, key)
        check.keys(raw, key, {"to", "template", "code"}, required={"code"})
        if ("to" not in raw and to is None) or ("template" not in raw and "to" in raw):
            check.fail(key, "needs 'to' and 'template', or an argument 'to' (the value is kept as it is)")
        template = check.string(raw.get("template", "{value}"), f"{key}.template")
        if "{value}" not in template:
            check.fail(f"{key}.template", "must contain {value}")
        otherwise = TemplateAction(check.string(raw.get("to", to), f"{key}.to"), template, check.code(raw["code"], f"{key}.code"))
    targets = {}
    for value, action in check.table(spec.get("targets", {}), f"{where}.targets").items():
        key = f"{where}.targets.{value}"
        action = check.table(action, key)
        check.keys(action, key, {"refuse", "warn"})
        if len(action) != 1:
            check.fail(key, "needs exactly one of 'refuse' or 'warn'")
        [(kind, code)] = action.items()
        targets[value] = ValueAction(kind, code=check.code(code, f"{key}.{kind}"))
    within = _load_interval(check, spec["within"], f"{where}.within") if "within" in spec else None
    coerce = None
    if "coerce" in spec:
        key = f"{where}.coerce"
        raw = check.table(spec["coerce"], key)
        check.keys(raw, key, {"from", "template", "code"}, required={"from", "template", "code"})
        template = check.string(raw["template"], f"{key}.template")
        if "{value}" not in template:
            check.fail(f"{key}.template", "must contain {value}")
        coerce = Coerce(tuple(check.str_list(raw["from"], f"{key}.from")), template, check.code(raw["code"], f"{key}.code"))
    return ArgSpec(
        name=where.rsplit(".", 1)[-1],
        to=to,
        transform=transform,
        drop=spec.get("drop") and check.code(spec["drop"], f"{where}.drop"),
        values=values,
        otherwise=otherwise,
        default=spec.get("default") and check.string(spec["default"], f"{where}.default"),
        positional=check.boolean(spec.get("positional", False), f"{where}.positional"),
        calls=calls,
        targets=targets,
        within=within,
        coerce=coerce,
    )


_INTERVAL = re.compile(r"^([(\[])\s*([^,\s]+)\s*,\s*([^,\s]+)\s*([)\]])$")


def _load_interval(check: _Checker, raw: object, where: str) -> Interval:
    raw = check.table(raw, where)
    check.keys(raw, where, {"interval", "refuse"}, required={"interval", "refuse"})
    text = check.string(raw["interval"], f"{where}.interval")
    match = _INTERVAL.match(text)
    try:
        low, high = Decimal(match.group(2)), Decimal(match.group(3))
    except (AttributeError, InvalidOperation):
        check.fail(f"{where}.interval", f"expected an interval such as '(0, 1]', got {text!r}")
    return Interval(low, high, match.group(1) == "(", match.group(4) == ")", text, check.code(raw["refuse"], f"{where}.refuse"))


def _load_call_template(check: _Checker, raw: object, where: str) -> CallTemplate:
    raw = check.table(raw, where)
    check.keys(raw, where, {"signature", "template", "defaults", "per_channel", "tensor", "tensor_code"},
               required={"signature", "template"})
    signature = tuple(check.str_list(raw["signature"], f"{where}.signature"))
    per_channel = raw.get("per_channel")
    if per_channel is not None and (per_channel not in signature or "tensor" not in raw or "tensor_code" not in raw):
        check.fail(f"{where}.per_channel", "expected a parameter of the signature, with 'tensor' and 'tensor_code'")
    tensor = raw.get("tensor") and check.string(raw["tensor"], f"{where}.tensor")
    if tensor is not None and "{" + per_channel + "}" not in tensor:
        check.fail(f"{where}.tensor", f"must contain {{{per_channel}}}")
    return CallTemplate(
        signature,
        check.string(raw["template"], f"{where}.template"),
        {k: check.string(v, f"{where}.defaults.{k}") for k, v in check.table(raw.get("defaults", {}), f"{where}.defaults").items()},
        per_channel,
        tensor,
        raw.get("tensor_code") and check.code(raw["tensor_code"], f"{where}.tensor_code"),
    )


def _load_value_action(check: _Checker, action: object, where: str, arg_to: str | None) -> ValueAction:
    action = check.table(action, where)
    kinds = [k for k in ("omit", "to", "refuse", "drop", "target") if k in action]
    if "value" in action and not kinds:
        kinds = ["to"]  # written under the argument's own 'to'
    if len(kinds) != 1:
        check.fail(where, "needs exactly one of 'omit', 'to' (or just 'value'), 'refuse', 'drop' or 'target'")
    kind = kinds[0]
    allowed = {kind} | ({"value", "code"} if kind == "to" else set())
    check.keys(action, where, allowed, required={"value"} if kind == "to" else set())
    if kind == "to":
        to = action.get("to", arg_to)
        if to is None:
            check.fail(f"{where}.to", "required: the argument has no 'to' of its own")
        code = action.get("code") and check.code(action["code"], f"{where}.code")
        return ValueAction("to", code=code, to=check.string(to, f"{where}.to"), value=check.string(action["value"], f"{where}.value"))
    if kind == "target":
        return ValueAction("target", target=check.string(action["target"], f"{where}.target"))
    if kind == "omit":
        return ValueAction("omit", message=check.string(action["omit"], f"{where}.omit"))
    return ValueAction(kind, code=check.code(action[kind], f"{where}.{kind}"))


class _Checker:
    """Type checks that raise RuleError naming the file and key."""

    def __init__(self, file: str):
        self.file = file
        self.prefixes: dict[str, list[str]] = {}  # [prefixes]: `{name}` in a source stands for each of them
        self.value_sets: dict[str, dict] = {}

    def expand(self, name: str, key: str) -> list[str]:
        """`{keras_layers}.Conv2D` -> one name per prefix listed under keras_layers."""
        if "{" not in name:
            return [name]
        head, _, rest = name.partition("}")
        prefix = head.lstrip("{")
        if not head.startswith("{") or prefix not in self.prefixes:
            self.fail(key, f"unknown prefix in {name!r} (known: {', '.join(sorted(self.prefixes)) or 'none'})")
        return [p + rest for p in self.prefixes[prefix]]

    def fail(self, key: str, reason: str):
        raise RuleError(f"{self.file}: {key}: {reason}")

    def table(self, value, key) -> dict:
        if not isinstance(value, dict):
            self.fail(key, f"expected a table, got {type(value).__name__}")
        return value

    def list(self, value, key) -> list:
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {type(value).__name__}")
        return value

    def code(self, value, key) -> str:
        """A reference to a finding code (defined under [codes] in some rule file)."""
        if not isinstance(value, str) or not CODE_PATTERN.match(value):
            self.fail(key, f"expected a finding code such as 'TBN101' (defined under [codes]), got {value!r}")
        return value

    def string(self, value, key) -> str:
        if not isinstance(value, str) or not value:
            self.fail(key, f"expected a non-empty string, got {value!r}")
        return value

    def str_list(self, value, key) -> list[str]:
        return [self.string(item, f"{key}[{i}]") for i, item in enumerate(self.list(value, key))]

    def boolean(self, value, key) -> bool:
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {value!r}")
        return value

    def choice(self, value, key, choices) -> str:
        if value not in choices:
            self.fail(key, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def keys(self, table: dict, key: str, allowed: set, required: set = frozenset()):
        for extra in sorted(set(table) - allowed):
            self.fail(f"{key}.{extra}", f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for missing in sorted(set(required) - set(table)):
            self.fail(f"{key}.{missing}", "required key is missing")
