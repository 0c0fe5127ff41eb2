"""The key map: which entries are BatchNorm, and what MindSpore calls them. All knowledge from rules/.

The torch rules' ``[rule.attributes]`` tables say it: the entries with a ``state_key`` are the
layer's state; ``to`` renames one (weight -> gamma, running_var -> moving_variance), ``report`` drops
it with that message (num_batches_tracked), ``absent`` is what MindSpore holds when torch saved none
(affine=False: gamma ones, beta zeros), and an API's ``attribute_path`` puts the entries one level
deeper (BatchNorm3d: ``bn2d.``). The entries with ``state_key = "always"`` that are renamed
(running_mean, running_var) mark a BatchNorm on their own; a prefix holding both, whose other direct
entries are all state entries of the same 1-D length, is a BatchNorm.

Which BatchNorm (the ``attribute_path``) is decided per prefix by, in order: ``--bn3d``, the
MindSpore names given with ``--expect``, the classes the code assigns there (``--source``), and
otherwise the first API's (BatchNorm1d/2d), which is reported. ``--bn3d`` names every BatchNorm3d:
where the code does not say otherwise, a prefix it does not name is not one. ``[[checkpoint_layers]]`` (LayerNorm,
GroupNorm, InstanceNorm) are reported where the code says a prefix holds one, never renamed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from math import prod

from bnport.rules import Api, AttrSpec, CheckpointLayer, Rule, RuleSet
from bnport.weights.model import Finding, WeightsError
from bnport.weights.read import DTYPE_SIZES, Entry
from bnport.weights.source import LayerKinds

SOURCE_FRAMEWORK = "torch."  # the rules whose APIs a torch checkpoint's layers come from
BN3D_CLASS = "torch.nn.BatchNorm3d"  # what --bn3d names
_ONES = {"F64": struct.pack("<d", 1.0), "F32": struct.pack("<f", 1.0), "F16": struct.pack("<e", 1.0),
         "BF16": b"\x80\x3f"}


@dataclass(frozen=True)
class Family:
    """The BatchNorm state as the rules describe it."""

    entries: dict[str, AttrSpec]  # torch entry name -> its attribute spec (state entries only)
    marks: tuple[str, ...]  # entries that name a BatchNorm on their own (running_mean, running_var)
    classes: dict[str, tuple[Rule, Api]]  # qualified torch class (or its MindSpore target) -> its rule and API
    default: Api  # used where nothing decides

    @classmethod
    def from_rules(cls, ruleset: RuleSet) -> Family:
        entries: dict[str, AttrSpec] = {}
        classes: dict[str, tuple[Rule, Api]] = {}
        for rule in ruleset.rules:
            state = {name: spec for name, spec in rule.attributes.items() if spec.state_key}
            apis = [api for api in rule.apis if api.target and any(s.startswith(SOURCE_FRAMEWORK) for s in api.sources)]
            if not state or not apis:
                continue
            for name, spec in state.items():
                entries.setdefault(name, spec)
            for api in apis:
                for source in api.sources:
                    classes[source] = (rule, api)
            for api in apis:  # --source may be the code bnport already rewrote
                classes.setdefault(api.target, (rule, api))
        marks = tuple(n for n, spec in entries.items() if spec.state_key == "always" and spec.to)
        if not classes or not marks:
            raise WeightsError("the rules describe no torch layer state (no [rule.attributes] with state_key)")
        default = next(api for _, api in classes.values() if not api.attribute_path)
        return cls(entries, marks, classes, default)

    def label(self, path: str) -> str:
        """The torch classes whose MindSpore state sits under ``path``: 'BatchNorm1d/BatchNorm2d/SyncBatchNorm'."""
        names = dict.fromkeys(api.sources[0].rsplit(".", 1)[-1] for _, api in self.classes.values()
                              if api.attribute_path == path)
        return "/".join(names)

    def paths(self) -> list[str]:
        return list(dict.fromkeys(api.attribute_path for _, api in self.classes.values()))


@dataclass(eq=False)
class OutTensor:
    """One tensor of the converted checkpoint: an input entry under a new name, or a filled one."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    source: Entry | None = None
    fill: str | None = None  # "ones" | "zeros"

    @property
    def nbytes(self) -> int:
        return prod(self.shape) * DTYPE_SIZES[self.dtype]

    def read(self):
        if self.source is not None:
            return self.source.read()
        count = prod(self.shape)
        if self.fill == "zeros":
            return bytes(count * DTYPE_SIZES[self.dtype])
        if self.dtype not in _ONES:
            raise WeightsError(f"{self.name}: cannot fill a {self.dtype} tensor with ones")
        return _ONES[self.dtype] * count

    def release(self):
        if self.source is not None:
            self.source.release()

    @property
    def span(self) -> tuple[str, int] | None:
        return self.source.span if self.source is not None else None


@dataclass
class Layer:
    prefix: str
    label: str  # e.g. "BatchNorm3d" or "BatchNorm1d/BatchNorm2d/SyncBatchNorm"
    path: str  # the attribute_path its MindSpore entries sit under
    decided_by: str  # "--bn3d", "--expect", "--source (file:line)", "assumed"


@dataclass
class Plan:
    items: list[OutTensor] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)
    filled: list[tuple[str, str, str]] = field(default_factory=list)  # (key, "ones"/"zeros", reason)
    unchanged: list[str] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # --expect names the result lacks
    unexpected: list[str] = field(default_factory=list)  # result names --expect lacks


def plan(entries: list[Entry], ruleset: RuleSet, *, bn3d: tuple[str, ...] = (), expected: set[str] | None = None,
         kinds: LayerKinds | None = None) -> Plan:
    return _Planner(entries, ruleset, bn3d, expected, kinds).run()


def join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


class _Planner:
    def __init__(self, entries, ruleset: RuleSet, bn3d, expected, kinds):
        self.entries = entries
        self.ruleset = ruleset
        self.family = Family.from_rules(ruleset)
        self.others: dict[str, CheckpointLayer] = {s: layer for layer in ruleset.checkpoint_layers for s in layer.sources}
        self.bn3d = dict.fromkeys(bn3d)
        self.expected = expected
        self.kinds = kinds
        self.result = Plan()
        self.groups: dict[str, dict[str, Entry]] = {}
        for entry in entries:
            prefix, _, leaf = entry.name.rpartition(".")
            self.groups.setdefault(prefix, {})[leaf] = entry

    def run(self) -> Plan:
        layers: dict[str, Layer] = {}
        undecided: list[str] = []
        maybe_norms: list[str] = []
        for prefix, leaves in self.groups.items():
            sites = self.kinds.lookup(prefix) if self.kinds is not None else set()
            layer = self._layer(prefix, leaves, sites)
            if layer is not None:
                layers[prefix] = layer
                if layer.decided_by == "assumed":
                    undecided.append(prefix)
            elif not sites and "weight" in leaves and len(leaves["weight"].shape) == 1 and "running_mean" not in leaves:
                maybe_norms.append(prefix or "(top level)")
        for prefix in self.bn3d:
            if prefix not in layers:
                self.finding("warning", prefix, "--bn3d: no BatchNorm entries (running_mean, running_var) under this prefix")
        self._emit(layers)
        self._report_undecided(undecided)
        if maybe_norms:
            self.finding("info", None, f"left under torch's names: {len(maybe_norms)} layer(s) with a 1-D weight "
                                       f"that are not BatchNorm ({_some(maybe_norms)}); if any is a LayerNorm or "
                                       "GroupNorm, MindSpore calls its entries gamma and beta (--source DIR tells "
                                       "which they are)")
        if self.expected is not None:
            self._compare()
        return self.result

    # -- one prefix ------------------------------------------------------------------------------
    def _layer(self, prefix: str, leaves: dict[str, Entry], sites) -> Layer | None:
        family = self.family
        bn_sites = {s for s in sites if s.klass in family.classes}
        other_sites = {s for s in sites if s.klass in self.others}
        if other_sites and not bn_sites:
            self._report_other(prefix, leaves, other_sites)
            return None
        if other_sites:
            self.finding("warning", prefix, f"the code assigns different layers here ({_where(bn_sites | other_sites)}); "
                                            "treated as its entries say")
        marked = all(mark in leaves for mark in family.marks)
        renamed = [n for n in leaves if n in family.entries and family.entries[n].to]
        if not marked and not (bn_sites and renamed):
            return None  # not a BatchNorm (without running statistics it is one only if the code says so)
        strangers = [n for n in leaves if n not in family.entries]
        lengths = {leaves[n].shape for n in renamed}
        if strangers or len(lengths) != 1 or len(next(iter(lengths))) != 1:
            why = (f"it also holds {', '.join(strangers)}" if strangers
                   else f"its entries' shapes differ ({', '.join(f'{n} {list(leaves[n].shape)}' for n in renamed)})")
            self.finding("warning", prefix, f"looks like a BatchNorm but {why}: left unchanged")
            return None
        path, decided_by = self._decide(prefix, leaves, bn_sites)
        named = {BN3D_CLASS} if decided_by == "--bn3d" else {s.klass for s in bn_sites} if decided_by.startswith("--source") else ()
        short = {klass.rsplit(".", 1)[-1] for klass in named}
        label = short.pop() if len(short) == 1 else family.label(path)
        return Layer(prefix, label, path, decided_by)

    def _decide(self, prefix: str, leaves: dict[str, Entry], bn_sites) -> tuple[str, str]:
        family = self.family
        if prefix in self.bn3d:
            if BN3D_CLASS not in family.classes:
                raise WeightsError(f"--bn3d: the rules define no {BN3D_CLASS}")
            return family.classes[BN3D_CLASS][1].attribute_path, "--bn3d"
        if self.expected is not None:
            tos = [spec.to for spec in family.entries.values() if spec.to]
            fits = [path for path in family.paths() if all(join(prefix, path, to) in self.expected for to in tos)]
            if len(fits) == 1:
                return fits[0], "--expect"
        paths = {family.classes[s.klass][1].attribute_path for s in bn_sites}
        if self.bn3d and len(paths) != 1:  # --bn3d names them all: the others are not
            return family.default.attribute_path, "--bn3d (not named)"
        if len(paths) == 1:
            return paths.pop(), f"--source ({_where(bn_sites)})"
        if len(paths) > 1:
            self.finding("warning", prefix, f"the code assigns BatchNorm layers with different MindSpore layouts here "
                                            f"({_where(bn_sites)}); assumed {family.label(family.default.attribute_path)}: "
                                            "pass --bn3d PREFIX if it is a BatchNorm3d")
        return family.default.attribute_path, "assumed"

    def _report_other(self, prefix: str, leaves: dict[str, Entry], sites):
        klass = sorted(sites, key=lambda s: s.where)[0].klass
        layer = self.others[klass]
        names = ", ".join(f"{join(prefix, n)} -> {join(prefix, layer.entries[n])}" for n in leaves if n in layer.entries)
        if names:
            self.finding("warning", prefix, layer.report.format(prefix=prefix or "(top level)", source=klass,
                                                                target=layer.target, names=names)
                         + f" ({_where(sites)})")

    # -- the output, in input order --------------------------------------------------------------
    def _emit(self, layers: dict[str, Layer]):
        result, family = self.result, self.family
        remaining = {prefix: len(self.groups[prefix]) for prefix in layers}
        for entry in self.entries:
            prefix, _, leaf = entry.name.rpartition(".")
            layer = layers.get(prefix)
            if layer is None:
                result.items.append(OutTensor(entry.name, entry.dtype, entry.shape, entry))
                result.unchanged.append(entry.name)
                continue
            spec = family.entries[leaf]
            if spec.to:
                name = join(prefix, layer.path, spec.to)
                result.items.append(OutTensor(name, entry.dtype, entry.shape, entry))
                result.renamed.append((entry.name, name))
            else:
                code = self.ruleset.codes.get(spec.report or "")
                reason = code.title if code is not None else "no MindSpore counterpart"
                result.dropped.append((entry.name, reason))
            remaining[prefix] -= 1
            if remaining[prefix] == 0:
                self._fill(layer, self.groups[prefix])
        for layer in layers.values():
            result.layers.append(layer)
        names = [item.name for item in result.items]
        if len(set(names)) != len(names):
            twice = sorted({n for n in names if names.count(n) > 1})
            raise WeightsError(f"two entries would both be named {twice[0]} (the checkpoint already holds MindSpore "
                               "names beside torch ones?); nothing written")

    def _fill(self, layer: Layer, leaves: dict[str, Entry]):
        model = next(leaves[n] for n in leaves if self.family.entries[n].to)
        for name, spec in self.family.entries.items():
            if spec.to and spec.absent and name not in leaves:
                key = join(layer.prefix, layer.path, spec.to)
                self.result.items.append(OutTensor(key, model.dtype, model.shape, fill=spec.absent))
                self.result.filled.append((key, spec.absent, f"torch saved no {name} (affine=False or "
                                           f"track_running_stats=False); MindSpore's {layer.label} always has "
                                           f"{spec.to}: filled with {spec.absent}, MindSpore's default, which "
                                           "computes what torch computes without it"))

    # -- what needs saying -----------------------------------------------------------------------
    def _report_undecided(self, undecided: list[str]):
        if not undecided:
            return
        family = self.family
        assumed = family.label(family.default.attribute_path)
        others = [p for p in family.paths() if p != family.default.attribute_path]
        deeper = " or ".join(f"{family.label(p)} (MindSpore entries under {p}.)" for p in others)
        how = "pass --source DIR, --bn3d PREFIX or --expect NAMES"
        names = _some([p or "(top level)" for p in undecided])
        if any(len(entry.shape) == 5 for entry in self.entries):
            self.finding("warning", None, f"{len(undecided)} BatchNorm layer(s) undecided: the checkpoint holds 5-D "
                                          f"tensors (3-D convolutions), so some may be {deeper}; assumed {assumed} "
                                          f"for {names}: {how}")
        else:
            self.finding("info", None, f"assumed {assumed} for {len(undecided)} BatchNorm layer(s) (no 5-D tensor in "
                                       f"the checkpoint, so no 3-D convolution feeds them); if any is {deeper}, {how}")

    def _compare(self):
        names = {item.name for item in self.result.items}
        self.result.missing = sorted(self.expected - names)
        self.result.unexpected = sorted(names - self.expected)
        if self.result.missing:
            self.finding("error", None, f"--expect: {len(self.result.missing)} parameter(s) of the MindSpore network "
                                        f"are not in the result: {_some(self.result.missing)}")
        if self.result.unexpected:
            self.finding("error", None, f"--expect: {len(self.result.unexpected)} name(s) in the result are not "
                                        f"parameters of the MindSpore network: {_some(self.result.unexpected)}")

    def finding(self, severity, key, message):
        self.result.findings.append(Finding(severity, key, message))


def _where(sites) -> str:
    return ", ".join(f"{s.klass.rsplit('.', 1)[-1]} at {s.where}" for s in sorted(sites, key=lambda s: (s.where, s.klass)))


def _some(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
