"""A short fuzz run of every loader (``python -m tests.fuzz.run --seconds N`` runs a long one).

Random bytes, random YAML-ish or Turtle-ish text, and random mutations of the shipped,
example and bad-input files go to the policy loader, the rule loader and the
knowledge-base loader (and, when they load, through the engine). The only exception
any of them may raise is a SelectorError.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from oracle.harness import examples

from .targets import Target, Workspace, known_bug, targets

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def fuzz():
    workspace = Workspace()
    try:
        yield {target.name: target for target in targets(workspace)}
    finally:
        workspace.close()


POLICY_KEYS = ["version", "name", "description", "require", "exclude", "licensee", "self_hosting", "prefer",
               "unknown", "residency", "min_context_tokens", "max_price_per_mtok", "input", "makers",
               "regions", "jurisdiction", "domicile", "commercial_use", "licence", "certifications"]
RULE_KEYS = ["id", "policy_key", "title", "description", "check", "kind", "property", "scopes", "hops",
             "messages", "pass", "fail", "unknown", "remedy", "references", "active_when", "parameter", "accepted"]
SCALARS = ["1", "0", "-1", "1e999", "true", "yes", "~", "EU", "'EU'", '"x"', "[EU, DE]", "{input: 5}", "&a x",
           "*a", "!!str 1", "2026-01-01", "sel:contextWindow", "[offering, model]", "at_least", "'{value}'",
           "'{value.__class__}'", "require.residency", "|", ">"]


def _yamlish(keys: list[str]):
    line = st.tuples(st.integers(0, 8), st.sampled_from(keys + ["-", "- " + keys[0], "? x", "<<"]),
                     st.sampled_from([": ", ":", " ", ""]),
                     st.one_of(st.sampled_from(SCALARS), st.text(max_size=12)))
    return st.lists(line, max_size=25).map(
        lambda lines: "\n".join(" " * i + k + sep + v for i, k, sep, v in lines).encode("utf-8", "surrogatepass"))


def _turtleish():
    words = ["@prefix sel: <https://w3id.org/selector/ns#> .", "@prefix src: <https://w3id.org/selector/kb/source/> .",
             "src:x {", "}", "src:x a sel:Source .", "<urn:a>", "sel:slug", '"s"', ".", ";", ",", "[", "]", "(", ")",
             "_:b", "true", "42", '"x"^^<urn:t>', "sel:routesTo", "<https://w3id.org/selector/kb/offering/m1--router>",
             "<https://w3id.org/selector/kb/provider/router>", "sel:providerKind", "sel:Aggregator", "a", "{", "GRAPH"]
    return st.lists(st.one_of(st.sampled_from(words), st.text(max_size=6)), max_size=60).map(
        lambda parts: " ".join(parts).encode("utf-8", "surrogatepass"))


def _run(target: Target, data: bytes) -> None:
    """Feed one input; a SelectorError is caught inside, a known bug is noted, anything else fails."""
    try:
        target.run(data)
    except Exception as exc:
        bug = known_bug(exc)
        if bug is None:
            raise
        event(f"known bug: {bug}")


@settings(max_examples=examples(150, 100000), **SETTINGS)
@given(st.binary(max_size=600))
def test_policy_loader_on_random_bytes(fuzz, data) -> None:
    _run(fuzz["policy"], data)


@settings(max_examples=examples(200, 100000), **SETTINGS)
@given(_yamlish(POLICY_KEYS))
def test_policy_loader_on_yaml_like_text(fuzz, data) -> None:
    _run(fuzz["policy"], data)


@settings(max_examples=examples(200, 100000), **SETTINGS)
@given(st.randoms(use_true_random=False))
def test_policy_loader_on_mutated_policies(fuzz, rng) -> None:
    _run(fuzz["policy"], fuzz["policy"].mutant(rng))


@settings(max_examples=examples(60, 50000), **SETTINGS)
@given(_yamlish(RULE_KEYS))
def test_rule_loader_on_yaml_like_text(fuzz, data) -> None:
    _run(fuzz["rules"], b"id: fuzzed\n" + data)


@settings(max_examples=examples(100, 50000), **SETTINGS)
@given(st.randoms(use_true_random=False))
def test_rule_loader_on_mutated_rules(fuzz, rng) -> None:
    _run(fuzz["rules"], fuzz["rules"].mutant(rng))


@settings(max_examples=examples(40, 50000), **SETTINGS)
@given(st.one_of(st.binary(max_size=400), _turtleish()), st.booleans())
def test_kb_loader_on_random_input(fuzz, data, trig) -> None:
    _run(fuzz["kb-trig" if trig else "kb-turtle"], data)


@settings(max_examples=examples(70, 50000), **SETTINGS)
@given(st.randoms(use_true_random=False), st.booleans())
def test_kb_loader_on_mutated_files(fuzz, rng, trig) -> None:
    target = fuzz["kb-trig" if trig else "kb-turtle"]
    _run(target, target.mutant(rng))
