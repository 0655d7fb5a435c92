"""Licence cases against the shipped licence terms.

The world is the shipped ontology (``selector.ttl``), the shipped
``kb/jurisdictions.trig`` and ``kb/licences.trig``, and ``world.trig`` here: a
self-hosted runtime, a hosted cloud, and test models that point at the shipped
licences (``world.trig`` defines no licence terms of its own). Each file in ``cases/``
holds the cases for one licence (named by its SPDX or LicenseRef id), except
``derived-models.yaml``, which is about licences stacking along ``sel:derivedFrom``.
Self-hosting, or fine-tuning through a hosted API (``require.fine_tuning``), makes the
user the licensee; a plain hosted API makes the user an end user.

A case gives a policy (as a policy file would), a candidate and the expected verdict
of the ``licence`` rule, and optionally:

- ``reason_contains`` / ``reason_excludes``: snippets the rule's reason must / must not hold;
- ``remedy_contains`` / ``remedy_excludes``: the same for the remedy (an ``unknown``
  case must name what is missing here);
- ``obligations``: each a text snippet, or ``{text: ..., licence: ...}``, that some
  obligation of the decision must match;
- ``no_obligations``: snippets no obligation may contain;
- ``obligation_count``: the exact number of obligations;
- ``clauses``: licence-term IRIs (``term:...``) the trail must cite, in the rule's
  evidence or as an obligation's clause;
- ``outcome``: ``allowed`` or ``denied``;
- ``xfail``: why the case does not hold yet (the case then must fail: strict).
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from casefiles import LicenceCase, LicenceCaseFile, read
from rdflib import Dataset, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from selector.checks import KINDS
from selector.checks.licences import lineage
from selector.engine import Engine
from selector.kb import lengths
from selector.kb.load import load_knowledge_base
from selector.kb.namespaces import ODRL, SEL, SKOS
from selector.paths import ontology_dir
from selector.policy import load_policy
from selector.rules import load_rules

HERE = Path(__file__).parent
CASES = HERE / "cases"
WORLD = HERE / "world.trig"
SHIPPED_LICENCES = ontology_dir() / "kb" / "licences.trig"
SHIPPED_JURISDICTIONS = ontology_dir() / "kb" / "jurisdictions.trig"
DERIVED = "derived-models"
RULE = "licence"

RULES = load_rules(kinds=KINDS)
KB = "https://w3id.org/selector/kb/"
LICENCE_NS = KB + "licence/"
TERM_NS = KB + "licence-term/"
LOC_NS = "https://w3id.org/dpv/loc#"

#: The policy key (under ``licensee:``) each left operand of the shipped terms reads.
#: A left operand missing here is one these cases do not cover yet.
OPERAND_KEYS = {
    SEL.licenseeMAUAtReleaseDate: "monthly_active_users",
    SEL.licenseeMAU: "monthly_active_users",
    SEL.licenseeMonthlyRevenueUSD: "monthly_revenue_usd",
    SEL.licenseeDomicile: "domicile",
    SEL.useContext: "use",
    SEL.modelModality: None,  # a fact about the model, not the licensee
    SEL.licenseeRole: None,  # decided by the deployment (self-hosted or hosted)
}
#: How far "just under" and "just over" a threshold sit, per key.
STEP = {"monthly_active_users": Decimal(1), "monthly_revenue_usd": Decimal("0.01")}
USE_NAMES = {SEL.Commercial: "commercial", SEL.Research: "research", SEL.NonProduction: "non-production"}


# ---------------------------------------------------------------------------
# Cases and the world
# ---------------------------------------------------------------------------


def _files() -> list[tuple[Path, LicenceCaseFile]]:
    return [(p, read(p, LicenceCaseFile)) for p in sorted(CASES.glob("*.yaml"))]


def _cases():
    for path, data in _files():
        for case in data.cases:
            marks = ()
            if case.xfail:
                marks = (pytest.mark.xfail(reason=case.xfail, strict=True),)
            yield pytest.param(case, id=f"{path.stem}: {case.name}", marks=marks)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("licence-world") / "ontology"
    (root / "kb").mkdir(parents=True)
    shutil.copy(ontology_dir() / "selector.ttl", root / "selector.ttl")
    shutil.copy(SHIPPED_JURISDICTIONS, root / "kb" / "jurisdictions.trig")
    shutil.copy(SHIPPED_LICENCES, root / "kb" / "licences.trig")
    shutil.copy(WORLD, root / "kb" / "world.trig")
    lengths.write(root)  # as a maintainer does after editing the facts
    return Engine(load_knowledge_base(base_dir=root), RULES)


def _shipped() -> Dataset:
    data = Dataset(default_union=True)
    data.parse(SHIPPED_LICENCES, format="trig")
    return data


def _places() -> Dataset:
    data = Dataset(default_union=True)
    data.parse(SHIPPED_JURISDICTIONS, format="trig")
    return data


def _policy(engine: Engine, tmp_path: Path, policy: dict):
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "name": "licence case", **policy}), encoding="utf-8")
    return load_policy(path, engine.vocabulary())


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(_cases()))
def test_licence_case(engine: Engine, tmp_path: Path, case: LicenceCase) -> None:
    policy = _policy(engine, tmp_path, case.policy)
    decision = engine.check(case.candidate, policy)
    results = {r.rule: r for r in decision.results}
    assert RULE in results, f"the licence rule did not run; ran {sorted(results)}"
    result = results[RULE]
    assert result.verdict.value == case.expect, result.reason
    for text in case.reason_contains:
        assert text in result.reason, result.reason
    for text in case.reason_excludes:
        assert text not in result.reason, result.reason
    if result.verdict.value != "pass":
        assert result.remedy, "a failing or unknown result says what would have to change"
    for text in case.remedy_contains:
        assert result.remedy and text in result.remedy, result.remedy
    for text in case.remedy_excludes:
        assert not result.remedy or text not in result.remedy, result.remedy
    if case.outcome is not None:
        assert decision.outcome == case.outcome, decision.outcome
    texts = [f"[{o.licence}] {o.text}" for o in decision.obligations]
    for wanted in case.obligations:
        assert any(
            wanted.text in o.text and (wanted.licence or o.licence) == o.licence for o in decision.obligations
        ), texts
    for text in case.no_obligations:
        assert not any(text in o.text for o in decision.obligations), texts
    if case.obligation_count is not None:
        assert len(decision.obligations) == case.obligation_count, texts
    cited = {e.subject for e in result.evidence} | {o.clause for o in decision.obligations}
    for clause in case.clauses:
        assert clause in cited, sorted(cited)
    # As licensee, every licence along the model's lineage was read from the shipped terms;
    # as end user, the reason says so.
    candidate = engine.candidate_by_id[case.candidate]
    if _licensee(engine, case):
        assert result.reason.startswith("you are the licensee"), result.reason
        for model in lineage(_Ctx(engine), candidate.model):
            for licence in engine.facts.objects(model, SEL.licence):
                terms = [e for e in result.evidence if e.subject == _short_licence(licence) and e.predicate == "sel:terms"]
                assert terms, f"the trail does not cite the terms of {licence}"
                assert all(e.source and "example.org" not in e.source for e in terms), terms
    else:
        assert "you are an end user" in result.reason, result.reason


class _Ctx:
    """The little of a check context that lineage() reads."""

    def __init__(self, engine: Engine) -> None:
        self.facts = engine.facts


def _self_hosted(engine: Engine, candidate) -> bool:
    return engine.facts.has_type(candidate.target, SEL.SelfHostedTarget) or (
        SEL.SelfHostedRuntime in engine.facts.objects(candidate.provider, SEL.providerKind)
    )


def _licensee(engine: Engine, case: LicenceCase) -> bool:
    """Whether the case makes the user the licensee: self-hosting, or fine-tuning through a host."""
    candidate = engine.candidate_by_id[case.candidate]
    fine_tuning = (case.policy.get("require") or {}).get("fine_tuning") is True
    return _self_hosted(engine, candidate) or fine_tuning


def _short_licence(node) -> str:
    return "licence:" + str(node)[len(LICENCE_NS):]


# ---------------------------------------------------------------------------
# Meta-tests: every shipped licence has cases, and the cases cover its clauses
# ---------------------------------------------------------------------------


def _licence_ids() -> dict[str, URIRef]:
    data = _shipped()
    out = {}
    for licence in data.subjects(RDF.type, SEL.Licence):
        spdx = data.value(licence, SEL.spdxId)
        assert spdx is not None, f"{licence} has no sel:spdxId"
        out[str(spdx)] = licence
    return out


def test_every_shipped_licence_has_a_case_file() -> None:
    ids = _licence_ids()
    assert ids, "no sel:Licence found in the shipped licences.trig"
    files = {path.stem: data for path, data in _files()}
    missing = sorted(set(ids) - set(files))
    assert not missing, f"shipped licences without a file in tests/licences/cases/: {missing}"
    for stem, data in files.items():
        if stem == DERIVED:
            assert data.licence is None, f"{stem}.yaml is about stacking, not one licence"
            continue
        assert stem in ids, f"cases/{stem}.yaml names no licence of the shipped licences.trig"
        assert data.licence == stem, f"cases/{stem}.yaml says licence: {data.licence}"


def test_world_defines_no_licence_terms() -> None:
    world = Dataset(default_union=True)
    world.parse(WORLD, format="trig")
    own = {
        str(s) for s in world.subjects()
        if str(s).startswith(LICENCE_NS) or str(s).startswith(TERM_NS)
    }
    assert not own, f"world.trig restates licence facts (use the shipped ones): {sorted(own)}"
    assert not set(world.subjects(RDF.type, SEL.Licence))


def test_cases_exercise_their_licence(engine: Engine) -> None:
    """Each case file's models carry its licence, with self-hosted and hosted cases."""
    ids = _licence_ids()
    for path, data in _files():
        kinds = set()
        for case in data.cases:
            candidate = engine.candidate_by_id.get(case.candidate)
            assert candidate is not None, f"{path.name}: {case.name}: no candidate {case.candidate}"
            kinds.add(_licensee(engine, case))
            if case.expect == "unknown":
                assert case.remedy_contains, f"{path.name}: {case.name}: say what the remedy names"
            if path.stem == DERIVED:
                assert engine.facts.objects(candidate.model, SEL.derivedFrom), (
                    f"{path.name}: {case.name}: {candidate.model_slug} derives from nothing"
                )
                continue
            licences = {
                lic for m in lineage(_Ctx(engine), candidate.model) for lic in engine.facts.objects(m, SEL.licence)
            }
            assert ids[path.stem] in licences, (
                f"{path.name}: {case.name}: {candidate.model_slug} is not under {path.stem}"
            )
        assert kinds == {True, False}, f"{path.name} needs cases as licensee and as end user"


def _constraints(data: Dataset, node) -> list:
    """Every atomic constraint under a rule or logical constraint (through odrl:or / odrl:and)."""
    out = []
    for constraint in data.objects(node, ODRL.constraint):
        out.extend(_atoms(data, constraint))
    return out


def _atoms(data: Dataset, constraint) -> list:
    for operator in (ODRL["or"], ODRL["and"]):
        head = data.value(constraint, operator)
        if head is not None:
            return [a for member in Collection(data, head) for a in _atoms(data, member)]
    return [constraint]


def _clauses(data: Dataset, licence: URIRef) -> list[tuple[str, URIRef]]:
    """(where, constraint) for every constraint of a licence's terms: where is 'rule' or 'duty'."""
    terms = data.value(licence, SEL.terms)
    found = []
    for predicate in (ODRL.permission, ODRL.prohibition):
        for rule in data.objects(terms, predicate):
            found += [("rule", c) for c in _constraints(data, rule)]
            for duty in data.objects(rule, ODRL.duty):
                found += [("duty", c) for c in _constraints(data, duty)]
    for duty in data.objects(terms, ODRL.obligation):
        found += [("duty", c) for c in _constraints(data, duty)]
    return found


def _inside(places: Dataset, code: str, bloc: URIRef) -> bool:
    node = URIRef(LOC_NS + code.upper())
    return node == bloc or (node, SKOS.broader, bloc) in places


def test_cases_cover_every_clause_of_the_shipped_terms(engine: Engine) -> None:
    """Thresholds just under, at and just over; domiciles inside and outside; each kind of use; each key left out."""
    data, places = _shipped(), _places()
    files = {path.stem: body for path, body in _files()}
    problems = []
    for licence_id, licence in sorted(_licence_ids().items()):
        cases = [c for c in files[licence_id].cases if _licensee(engine, c)]
        licensees = [c.policy.get("licensee") or {} for c in cases]
        for where, constraint in _clauses(data, licence):
            left = data.value(constraint, ODRL.leftOperand)
            right = data.value(constraint, ODRL.rightOperand)
            operator = data.value(constraint, ODRL.operator)
            assert left in OPERAND_KEYS, f"{licence_id}: left operand {left} has no case coverage rule here"
            key = OPERAND_KEYS[left]
            if key is None:
                continue
            if not any(key not in given for given in licensees):
                problems.append(f"{licence_id}: no licensee case leaves licensee.{key} out")
            if key in STEP:
                bound = Decimal(str(right.toPython())) if isinstance(right, Literal) else None
                given = {Decimal(str(one[key])) for one in licensees if key in one}
                for value in (bound - STEP[key], bound, bound + STEP[key]):
                    if value not in given:
                        problems.append(f"{licence_id}: no licensee case with licensee.{key} = {value} ({where})")
            elif key == "domicile" and operator == ODRL.isPartOf:
                given = [one["domicile"] for one in licensees if "domicile" in one]
                if not any(_inside(places, code, right) for code in given):
                    problems.append(f"{licence_id}: no licensee case domiciled inside {right}")
                if not any(not _inside(places, code, right) for code in given):
                    problems.append(f"{licence_id}: no licensee case domiciled outside {right}")
            elif key == "use":
                if USE_NAMES[right] not in {one.get("use") for one in licensees}:
                    problems.append(f"{licence_id}: no licensee case with licensee.use = {USE_NAMES[right]}")
    assert not problems, "\n".join(problems)
