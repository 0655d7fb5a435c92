"""What the fuzzers feed, and the mutations they make.

Each target takes raw bytes, writes them where a user's file would be, and runs the
loader on them (and, when loading succeeds, the engine on what was loaded). A
:class:`~selector.errors.SelectorError` is the expected answer to bad input; any
other exception is a bug.

Seeds are the shipped and example files and the bad-input corpora; mutations work on
bytes (flips, deletions, duplications, splices) and on tokens the formats care about
(YAML anchors, tags, flow brackets; Turtle prefixes, IRIs, literals, graphs).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from unittest import mock

from rdflib import Graph, Literal, URIRef

from selector.checks import KINDS
from selector.engine import Engine
from selector.errors import SelectorError
from selector.kb import lengths
from selector.kb.load import load_knowledge_base
from selector.kb.validate import overlay_error
from selector.paths import ontology_dir, rules_dir
from selector.policy import PolicyVocabulary, load_policy
from selector.render import RENDERERS
from selector.rules import load_rules
from selector.text import unsafe_char

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"

VOCABULARY = PolicyVocabulary(
    jurisdictions={"EU", "EEA", "DE", "FR", "NL", "IE", "NO", "CH", "GB", "US", "CN"},
    makers={"acme", "euco"},
    providers={"cloud", "router", "selfrun"},
    provider_kinds={"maker-api", "cloud-platform", "aggregator", "inference-host", "self-hosted"},
    modalities={"text", "image", "audio", "video", "pdf"},
    certifications={"ISO27001", "SOC2", "SOC2Type2"},
    regions={"eu-central-1", "eu-west-1", "us-east-1", "eu-central-2"},
)

#: A policy that switches on every shipped rule, in both unknown modes.
EVERYTHING = """version: 1
name: everything
licensee: {domicile: DE, monthly_active_users: 1000, monthly_revenue_usd: 10, use: commercial}
require:
  residency: [EU, CH]
  fine_tuning: true
  min_context_tokens: 1000
  min_output_tokens: 100
  max_retention_days: 30
  training_on_inputs: false
  zero_data_retention: true
  input_modalities: [text]
  output_modalities: [text]
  tool_calling: true
  open_weights: true
  private_networking: true
  certifications: [SOC2]
  provider_headquarters: [EU]
  max_price_per_mtok: {input: 5, output: 15}
  licence: {commercial_use: true}
self_hosting: {regions: [eu-central-1]}
exclude: {makers: [euco], providers: [selfrun], provider_kinds: [inference-host], maker_headquarters: [CN]}
unknown: UNKNOWN
"""

MAX_INPUT = 256 * 1024
SLUG = URIRef("https://w3id.org/selector/ns#slug")


def _files(*patterns: tuple[Path, str]) -> list[bytes]:
    out = []
    for folder, pattern in patterns:
        out += [path.read_bytes() for path in sorted(folder.glob(pattern)) if path.is_file()]
    return out


# ---------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------

YAML_TOKENS = [
    b": ", b"- ", b"? ", b"[", b"]", b"{", b"}", b",", b"&a ", b"*a", b"<<: ", b"!!python/object:os.system ",
    b"!!binary ", b"!custom ", b"---\n", b"...\n", b"|\n", b">-\n", b"'", b'"', b"#", b"\t", b"\n  ", b"\r\n",
    b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xfe\xff", b"~", b"null", b"yes", b"NO", b"1e999", b".nan", b"-.inf",
    b"0x1F", b"2026-13-45", b"9" * 40, b"[" * 64, b"{a: " * 40, b"\\u0000", b"%YAML 1.1\n", b"%TAG ! tag:x:\n",
    b"require", b"residency", b"exclude", b"version: 1\n", b"unknown: warn\n", b"\xe2\x80\xa8", b"\xc3\x28",
    b".NaN", b".INF", b"NaN", b"inf", b"3:20:00", b"0o17", b"0755", b"1_000", b"0b101",
    b"\x1b[2J", b"\x1b]0;title\x07", b"\xe2\x80\xae", b"\xc2\x9b", b"\x7f", b"\r", b"\x08", b'"\\e[31m"',
    b"pattern: '^(a+)+$'", b"$ref: 'http://x/'",
]
TURTLE_TOKENS = [
    b"@prefix x: <http://x/> .\n", b"@base <http://b/> .\n", b"PREFIX y: <http://y/>\n", b"<", b">", b"<>",
    b'"', b'"""', b"'", b"^^xsd:integer", b"^^<http://www.w3.org/2001/XMLSchema#boolean>", b"@en", b"@",
    b"_:b0", b"[", b"]", b"(", b")", b"{", b"}", b";", b",", b".", b" a ", b"GRAPH ", b"true", b"1e999",
    b"-0", b"\\u0000", b"\\U0010FFFF", b"\\", b"\x00", b"\xff", b"\xc3\x28", b"#", b"\n", b"sel:routesTo ",
    b"sel:memberRegion ", b"sel:closedList [ sel:listOf sel:memberRegion ; sel:listLength 1 ] ", b"sel:processingIn sel:AnyLocation ",
    b"skos:broader ", b"rdf:first ", b"rdf:rest ", b"rdf:nil", b"sel:Source", b"src:x { ", b"}\n",
    b"provider:router sel:providerKind sel:Aggregator .\n", b"offering:m1--router sel:routesTo offering:m1--router .\n",
    b'"' + b"x" * 5000 + b'"', b"(" * 200, b"[ sel:a " * 100,
    b'"NaN"^^xsd:double', b'"INF"^^xsd:double', b'"-INF"^^<http://www.w3.org/2001/XMLSchema#double>',
    b'"yes"^^xsd:boolean', b'"TRUE"^^xsd:boolean', b"-100", rb'"\u001b[2J"', rb'"\u202e"', b'"a\nb"',
    b"\x1b]0;title\x07", b"\xe2\x80\xae", b"\xc2\x9b", b"loc:US loc:iso_alpha2 \"EU\" .\n",
    b"cert:SOC2 skos:broader cert:SOC2Type2 . cert:SOC2Type2 skos:broader cert:SOC2 .\n",
    b"sel:closedList [ sel:listOf sel:storageIn ; sel:listLength 2 ] ", b"sel:listLength ",
]


def mutate(data: bytes, rng: random.Random, tokens: list[bytes], others: list[bytes]) -> bytes:
    """One to four random edits of ``data``."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        pos = rng.randint(0, len(out))
        if op == 0 and out:
            out[rng.randrange(len(out))] = rng.randrange(256)
        elif op == 1:
            out[pos:pos] = rng.choice(tokens)
        elif op == 2 and out:
            end = min(len(out), pos + rng.randint(1, 64))
            del out[pos:end]
        elif op == 3 and out:
            start = rng.randrange(len(out))
            chunk = out[start:start + rng.randint(1, 128)]
            out[pos:pos] = chunk * rng.randint(1, 8)
        elif op == 4 and others:
            other = rng.choice(others)
            cut = rng.randint(0, len(other))
            out = out[:pos] + bytearray(other[cut:])
        elif op == 5:
            # Replace one occurrence of a token by another.
            token = rng.choice(tokens)
            found = bytes(out).find(token.strip() or token)
            if found >= 0:
                out[found:found + len(token.strip() or token)] = rng.choice(tokens)
        elif op == 6:
            del out[pos:]
        elif op == 7 and out:
            # Swap two lines.
            lines = bytes(out).split(b"\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            out = bytearray(b"\n".join(lines))
        else:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(out[:MAX_INPUT])


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------


#: Exceptions already reported as bugs (each pinned by an xfail case in tests/bad_input/):
#: description -> test. The fuzzers count them instead of failing, so that they keep
#: looking for new ones. Empty while no known bug is open.
KNOWN_BUGS: dict[str, Callable[[BaseException], bool]] = {}


def known_bug(exc: BaseException) -> str | None:
    """The description of the known bug an exception is, or None."""
    for name, matches in KNOWN_BUGS.items():
        if matches(exc):
            return name
    return None


@dataclass
class Target:
    """A loader under test: its seed inputs, the tokens its format cares about, and how to run it."""

    name: str
    seeds: list[bytes]
    tokens: list[bytes]
    run: Callable[[bytes], bool]  # True when the input was accepted, False when refused with a SelectorError

    def __repr__(self) -> str:
        return f"Target({self.name!r}, {len(self.seeds)} seeds)"

    def mutant(self, rng: random.Random) -> bytes:
        return mutate(rng.choice(self.seeds), rng, self.tokens, self.seeds)


class Workspace:
    """A scratch folder, reused across inputs: a tiny knowledge base to load overlays on, an empty rules folder."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="selector-fuzz-"))
        self.base = self.root / "ontology"
        (self.base / "kb").mkdir(parents=True)
        (self.base / "selector.ttl").write_text(_individuals(), encoding="utf-8")
        shutil.copy(TESTS / "rules" / "world.trig", self.base / "kb" / "world.trig")
        lengths.write(self.base)
        self.no_rules = self.root / "no-rules"
        self.no_rules.mkdir()
        self.rules = load_rules(kinds=KINDS)
        self.engine = Engine(load_knowledge_base(base_dir=self.base), self.rules)
        self.policies = []
        for unknown in ("fail", "warn"):
            path = self.root / f"everything-{unknown}.yaml"
            path.write_text(EVERYTHING.replace("UNKNOWN", unknown), encoding="utf-8")
            self.policies.append(load_policy(path, VOCABULARY))

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # -- targets ---------------------------------------------------------------

    def policy(self, data: bytes) -> bool:
        path = self.root / "policy.yaml"
        path.write_bytes(data)
        try:
            load_policy(path, VOCABULARY)
        except SelectorError:
            return False
        return True

    def rule(self, data: bytes) -> bool:
        folder = self.root / "rules"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        name = _rule_id(data) or "fuzzed"
        (folder / f"{name}.yaml").write_bytes(data)
        try:
            with mock.patch("selector.rules.rules_dir", lambda: self.no_rules):
                rules = load_rules((folder,), kinds=KINDS)
        except SelectorError:
            return False
        # A rule the loader accepts must also run: on every candidate of the tiny world.
        shipped = {r.id: r for r in self.rules}
        shipped.update({r.id: r for r in rules})
        engine = Engine(self.engine_kb, tuple(shipped[k] for k in sorted(shipped)))
        for policy in self.policies:
            engine.select(policy)
        return True

    def overlay(self, data: bytes, suffix: str) -> bool:
        path = self.root / f"overlay{suffix}"
        path.write_bytes(data)
        try:
            kb = load_knowledge_base([path], base_dir=self.base)
        except SelectorError:
            return False
        refused = overlay_error(kb) is not None  # what every deciding command does first
        # The engine must also survive what validation refuses (a cycle, an odd value), or refuse it itself.
        try:
            engine = Engine(kb, self.rules)
        except SelectorError:
            return False
        for policy in self.policies:
            report = engine.select(policy)
            for fmt in ("table", "text", "markdown", "html"):
                _printable(RENDERERS[fmt](report, True), fmt)
        return not refused

    def special(self, data: bytes) -> bool:
        """A FIFO, a device, a folder or a dangling link where a policy, rule or overlay file is expected."""
        kind = data.decode("ascii", "replace").strip() or "fifo"
        for name, load in (("policy.yaml", lambda p: load_policy(p, VOCABULARY)),
                           ("overlay.trig", lambda p: load_knowledge_base([p], base_dir=self.base))):
            path = self.root / "special" / name
            shutil.rmtree(path.parent, ignore_errors=True)
            path.parent.mkdir()
            if kind.startswith("fifo"):
                os.mkfifo(path)
            elif kind.startswith("zero"):
                path.symlink_to("/dev/zero")
            elif kind.startswith("null"):
                path.symlink_to("/dev/null")
            elif kind.startswith("dir"):
                path.mkdir()
            else:
                path.symlink_to(self.root / "nowhere")
            try:
                load(path)
            except SelectorError:
                continue
            if not kind.startswith("null"):  # /dev/null is refused too, as not a regular file
                raise AssertionError(f"{kind} accepted as {name}")
        return False

    @property
    def engine_kb(self):
        if not hasattr(self, "_kb"):
            self._kb = load_knowledge_base(base_dir=self.base)
        return self._kb


def _printable(text: str, fmt: str) -> None:
    """Rendered output must hold no control or format character but the newlines between lines."""
    bad = sorted({hex(ord(c)) for c in text if c != "\n" and unsafe_char(c)})
    if bad:
        raise AssertionError(f"{fmt} output holds raw control characters {bad}")


def _individuals() -> str:
    """The ontology's named individuals (modalities, provider kinds, ZDR levels...), as Turtle.

    Parsing the whole ontology for every input would cost more than the input; the
    engine reads only these individuals' types, slugs and labels from it.
    """
    graph = Graph()
    graph.parse(ontology_dir() / "selector.ttl", format="turtle")
    keep = {s for s, _, _ in graph.triples((None, SLUG, None))}
    lines = [f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in sorted(graph) if s in keep and (
        not isinstance(o, Literal) or p == SLUG or str(p).endswith("label"))]
    return "\n".join(lines) + "\n"


def _rule_id(data: bytes) -> str | None:
    """The id a rule file gives itself, so the fuzzed file is named after it (ids must match names)."""
    for line in data.splitlines():
        if line.startswith(b"id:"):
            text = line[3:].strip().decode("ascii", "ignore").strip("'\"")
            if text and all(ch.isalnum() or ch in "_-" for ch in text) and len(text) < 64:
                return text
    return None


def targets(ws: Workspace) -> list[Target]:
    """Every fuzz target, seeded."""
    policy_seeds = _files((ROOT / "examples", "*.yaml"), (TESTS / "bad_input" / "policy", "*.yaml"))
    rule_seeds = _files((rules_dir(), "*.yaml"), (TESTS / "bad_input" / "rules", "*.yaml"))
    trig_seeds = _files((TESTS / "rules", "world.trig"), (TESTS / "kb" / "fixtures" / "overlays", "*.trig"),
                        (TESTS / "kb" / "fixtures" / "kb" / "offerings", "*.trig"))
    ttl_seeds = [seed.split(b"src:world {")[0].replace(b"src:world a sel:Source", b"<urn:x> a sel:Source")
                 for seed in trig_seeds[:1]]
    ttl_seeds += _files((TESTS / "kb" / "fixtures" / "overlays", "*.ttl"))
    ttl_seeds.append(b"@prefix sel: <https://w3id.org/selector/ns#> .\n"
                     b"<https://w3id.org/selector/kb/target/cloud--eu-zone> sel:memberRegion "
                     b"<https://w3id.org/selector/kb/target/cloud--eu-zone> ; sel:closedList [ sel:listOf sel:memberRegion ; sel:listLength 1 ] .\n")
    return [
        Target("policy", policy_seeds, YAML_TOKENS, ws.policy),
        Target("rules", rule_seeds, YAML_TOKENS, ws.rule),
        Target("kb-trig", trig_seeds, TURTLE_TOKENS, lambda data: ws.overlay(data, ".trig")),
        Target("kb-turtle", ttl_seeds, TURTLE_TOKENS, lambda data: ws.overlay(data, ".ttl")),
        Target("special-files", [b"fifo", b"zero", b"null", b"dir", b"dangling"], [b"fifo", b"zero", b"dir"],
               ws.special),
    ]
