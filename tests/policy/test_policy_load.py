"""Valid policies load into the models, with names normalised and a stable fingerprint."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from selector.errors import PolicyError, RuleError
from selector.policy import (
    Exclude,
    LicenceRequirement,
    Licensee,
    Only,
    Policy,
    PolicyVocabulary,
    PriceCap,
    Require,
    SelfHosting,
    load_policy,
)

VALID = Path(__file__).resolve().parent / "valid"
VALID_FILES = sorted(VALID.glob("*.yaml"))


@pytest.mark.parametrize("path", VALID_FILES, ids=[path.stem for path in VALID_FILES])
def test_valid_policy_loads(path: Path, vocabulary: PolicyVocabulary) -> None:
    policy = load_policy(path, vocabulary)
    assert policy.version == 1
    assert policy.fingerprint.startswith("sha256:") and len(policy.fingerprint) == 71


def test_spec_example_loads_into_the_models(vocabulary: PolicyVocabulary) -> None:
    policy = load_policy(VALID / "spec_example.yaml", vocabulary)
    assert policy == Policy(
        version=1,
        name="eu-finetune-long-context",
        description="Fine-tunable models with at least 200K context, data kept in the EU",
        licensee=Licensee(domicile="DE", monthly_active_users=2_000_000, monthly_revenue_usd=5_000_000, use="commercial"),
        require=Require(
            residency=("EU",),
            fine_tuning=True,
            min_context_tokens=200_000,
            max_retention_days=30,
            training_on_inputs=False,
            zero_data_retention=True,
            input_modalities=("text", "image"),
            tool_calling=True,
            open_weights=True,
            private_networking=True,
            certifications=("ISO27001", "SOC2"),
            provider_headquarters=("EU",),
            max_price_per_mtok=PriceCap(input=5, output=15),
            licence=LicenceRequirement(commercial_use=True),
        ),
        self_hosting=SelfHosting(regions=("eu-central-1",)),
        exclude=Exclude(makers=("deepseek",), providers=("openrouter",), provider_kinds=("aggregator",), maker_headquarters=("CN",)),
        prefer=("lowest_price", "largest_context"),
        unknown="fail",
    )


def test_minimal_policy_takes_defaults_and_the_file_stem(vocabulary: PolicyVocabulary) -> None:
    policy = load_policy(VALID / "minimal.yaml", vocabulary)
    assert policy.name == "minimal"
    assert policy.description == ""
    assert policy.licensee is None and policy.self_hosting is None
    assert policy.require == Require() and policy.exclude == Exclude()
    assert policy.prefer == () and policy.unknown == "fail" and policy.require_extra == ()


def test_residency_list_means_any_of(vocabulary: PolicyVocabulary) -> None:
    policy = load_policy(VALID / "any_of_residency.yaml", vocabulary)
    assert policy.require.residency == ("EU", "CH")
    assert policy.self_hosting == SelfHosting(jurisdiction="EEA")
    assert policy.unknown == "warn"


def test_names_are_normalised_to_the_vocabulary_spelling(vocabulary: PolicyVocabulary) -> None:
    policy = load_policy(VALID / "lower_case_names.yaml", vocabulary)
    assert policy.licensee is not None and policy.licensee.domicile == "NO"
    assert policy.require.residency == ("EU",)
    assert policy.require.certifications == ("ISO27001", "SOC2Type2")
    assert policy.require.input_modalities == ("text", "pdf")
    assert policy.require.provider_headquarters == ("US", "GB")
    assert policy.self_hosting is not None and policy.self_hosting.regions == ("eu-central-1", "westeurope")
    assert policy.exclude.providers == ("openrouter",) and policy.exclude.makers == ("meta",)


def test_hostile_strings_in_name_and_description_are_kept_as_written(vocabulary: PolicyVocabulary) -> None:
    policy = load_policy(VALID / "hostile_strings.yaml", vocabulary)
    assert policy.name == "it's a \"quoted\" {name} ${HOME} %s"
    assert "SELECT * WHERE { ?s ?p ?o } ; DROP ALL ;\n" in policy.description
    policy = load_policy(VALID / "hostile_name_newline.yaml", vocabulary)
    assert policy.name == 'first line\nsecond line" } ; INSERT DATA { <a> <b> <c> } #'
    assert policy.description == "} ; DELETE WHERE { ?s ?p ?o } ; # '"


def test_very_long_description_loads(write_policy, vocabulary: PolicyVocabulary) -> None:
    long = "x" * 200_000
    policy = load_policy(write_policy(f"version: 1\nname: long\ndescription: {long}\n"), vocabulary)
    assert policy.description == long


# -- the vocabulary ---------------------------------------------------------


def test_vocabulary_matches_case_insensitively() -> None:
    vocabulary = PolicyVocabulary(jurisdictions={"EU", "DE"}, providers=["aws-bedrock"], certifications=("SOC2Type2",))
    assert vocabulary.jurisdictions == frozenset({"EU", "DE"})
    assert isinstance(vocabulary.providers, frozenset)
    assert vocabulary.canonical("jurisdictions", "eu") == "EU"
    assert vocabulary.canonical("jurisdictions", "De") == "DE"
    assert vocabulary.canonical("providers", "AWS-Bedrock") == "aws-bedrock"
    assert vocabulary.canonical("certifications", "soc2type2") == "SOC2Type2"
    assert vocabulary.canonical("jurisdictions", "EUR") is None
    assert vocabulary.suggestion("jurisdictions", "EUR") == "EU"
    assert vocabulary.suggestion("jurisdictions", "XYZ") is None


def test_vocabulary_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError):
        PolicyVocabulary(jurisdictions="EU")


def test_empty_vocabulary_says_so(write_policy) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(write_policy("version: 1\nrequire:\n  certifications: [SOC2]\n"), PolicyVocabulary())
    assert caught.value.problem == "unknown certification 'SOC2'"
    assert caught.value.hint == "the knowledge base lists no certifications"


# -- the models on their own ------------------------------------------------


def test_models_are_frozen() -> None:
    policy = Policy(version=1, name="p")
    with pytest.raises(ValidationError):
        policy.name = "q"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        policy.require.fine_tuning = True  # type: ignore[misc]


@pytest.mark.parametrize(
    "arguments",
    [
        {"version": 2, "name": "p"},
        {"version": True, "name": "p"},
        {"version": 1, "name": "p", "extra": 1},
        {"version": 1, "name": ""},
        {"version": 1, "name": "p", "prefer": ["newest", "newest"]},
        {"version": 1, "name": "p", "require": {"fine_tuning": "yes"}},
        {"version": 1, "name": "p", "require": {"min_context_tokens": True}},
        {"version": 1, "name": "p", "require": {"min_context_tokens": 1.5}},
        {"version": 1, "name": "p", "require": {"max_retention_days": float("nan")}},
        {"version": 1, "name": "p", "require": {"residency": []}},
        {"version": 1, "name": "p", "require": {"max_price_per_mtok": {}}},
        {"version": 1, "name": "p", "self_hosting": {"regions": ["a"], "jurisdiction": "EU"}},
    ],
)
def test_models_are_strict(arguments: dict) -> None:
    with pytest.raises(ValidationError):
        Policy.model_validate(arguments)


def test_residency_given_as_one_code_becomes_a_tuple() -> None:
    assert Require(residency="EU").residency == ("EU",)
    assert Require(residency=["EU", "CH"]).residency == ("EU", "CH")


def test_policy_is_hashable() -> None:
    one = Policy(version=1, name="p", require_extra=(("x", [1, 2]),))
    assert hash(one) == hash(Policy(version=1, name="p", require_extra=(("x", [1, 2]),)))


# -- fingerprints -----------------------------------------------------------

BLOCK = """\
version: 1
name: eu-long
require:
  residency: [EU, CH]
  min_context_tokens: 200000
  max_retention_days: 30
  certifications: [ISO27001, SOC2]
  max_price_per_mtok:
    input: 5
    output: 15
exclude:
  provider_kinds: [aggregator]
prefer: [lowest_price, newest]
"""

FLOW = """\
# the same policy, written differently
{prefer: [lowest_price, newest], exclude: {provider_kinds: ["aggregator"]},
 require: {max_price_per_mtok: {output: 15.0, input: 5.0}, certifications: [soc2, iso27001],
           max_retention_days: 30.0, residency: [ch, eu], min_context_tokens: 200000},
 "name": 'eu-long', version: 1, unknown: fail, description: ''}
"""


def test_fingerprint_is_stable_under_reformatting(write_policy, vocabulary: PolicyVocabulary) -> None:
    block = load_policy(write_policy(BLOCK, "block.yaml"), vocabulary)
    flow = load_policy(write_policy(FLOW, "flow.yaml"), vocabulary)
    assert block.canonical_json() == flow.canonical_json()
    assert block.fingerprint == flow.fingerprint


def test_fingerprint_changes_with_the_content(write_policy, vocabulary: PolicyVocabulary) -> None:
    base = load_policy(write_policy(BLOCK, "base.yaml"), vocabulary).fingerprint
    changes = [
        BLOCK.replace("200000", "200001"),
        BLOCK.replace("[lowest_price, newest]", "[newest, lowest_price]"),
        BLOCK.replace("[EU, CH]", "[EU]"),
        BLOCK.replace("name: eu-long", "name: eu-longer"),
        BLOCK + "unknown: warn\n",
    ]
    prints = {load_policy(write_policy(text, f"changed{i}.yaml"), vocabulary).fingerprint for i, text in enumerate(changes)}
    assert base not in prints and len(prints) == len(changes)


def test_canonical_json_is_compact_and_sorted(vocabulary: PolicyVocabulary) -> None:
    policy = load_policy(VALID / "any_of_residency.yaml", vocabulary)
    text = policy.canonical_json()
    assert text.startswith('{"description":"","exclude":{"maker_headquarters":[]')
    assert '"residency":["CH","EU"]' in text
    assert " " not in text.replace("europe-or-switzerland", "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.permutations(["residency: [EU, CH]", "fine_tuning: true", "min_context_tokens: 100000", "tool_calling: false"]),
    indent=st.sampled_from(["  ", "    ", "\t"[:0] + "   "]),
    comment=st.booleans(),
)
def test_fingerprint_ignores_key_order_and_layout(write_policy, vocabulary, order, indent, comment) -> None:
    lines = [f"{indent}{line}" + ("  # note" if comment else "") for line in order]
    text = "version: 1\nname: p\nrequire:\n" + "\n".join(lines) + "\n"
    expected = load_policy(write_policy("version: 1\nname: p\nrequire: {fine_tuning: true, min_context_tokens: 100000, residency: [CH, EU], tool_calling: false}\n", "ref.yaml"), vocabulary)
    assert load_policy(write_policy(text, "var.yaml"), vocabulary).fingerprint == expected.fingerprint


# -- requirements added by rule files ---------------------------------------

EXTRA = {
    "max_parameters_billion": {"type": "number", "minimum": 0},
    "allowed_licences": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "audited": {"type": "boolean"},
}


def test_extra_require_keys_are_accepted_and_kept_sorted(write_policy, vocabulary: PolicyVocabulary) -> None:
    path = write_policy(
        "version: 1\nrequire:\n  residency: EU\n  max_parameters_billion: 70\n  allowed_licences: [Apache-2.0, MIT]\n  audited: true\n"
    )
    policy = load_policy(path, vocabulary, extra_require=EXTRA)
    assert policy.require_extra == (
        ("allowed_licences", ["Apache-2.0", "MIT"]),
        ("audited", True),
        ("max_parameters_billion", 70),
    )
    assert policy.extra_requirement("audited") is True
    assert policy.extra_requirement("absent") is None
    assert policy.canonical_data()["require"]["max_parameters_billion"] == 70


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("  max_parameters_billion: lots\n", "3: require.max_parameters_billion: expected a number >= 0, got 'lots'"),
        ("  max_parameters_billion: -1\n", "3: require.max_parameters_billion: expected a number >= 0, got -1"),
        ("  allowed_licences: [MIT, 3]\n", "3: require.allowed_licences[1]: expected a string, got 3; quote it: '3'"),
        ("  allowed_licences: []\n", "3: require.allowed_licences: [] should be non-empty"),
        ("  audited: yes\n", "3: require.audited: expected true or false, got yes; write true or false"),
        ("  audited: 'yes'\n", "3: require.audited: expected true or false, got 'yes'"),
        ("  max_parameter_billion: 7\n", "3: require.max_parameter_billion: unknown key; did you mean 'max_parameters_billion'?"),
    ],
)
def test_extra_require_values_are_validated(write_policy, vocabulary, body: str, expected: str) -> None:
    path = write_policy("version: 1\nrequire:\n" + body)
    with pytest.raises(PolicyError) as caught:
        load_policy(path, vocabulary, extra_require=EXTRA)
    assert caught.value.one_line() == f"{path}:{expected}"


def test_extra_require_for_a_builtin_key_is_ignored(write_policy, vocabulary: PolicyVocabulary) -> None:
    path = write_policy("version: 1\nrequire:\n  residency: EU\n")
    policy = load_policy(path, vocabulary, extra_require={"residency": {"type": "integer"}})
    assert policy.require.residency == ("EU",) and policy.require_extra == ()


def test_extra_require_with_an_invalid_schema_is_a_rule_error(write_policy, vocabulary: PolicyVocabulary) -> None:
    with pytest.raises(RuleError, match="invalid JSON Schema for the policy key require.odd"):
        load_policy(write_policy("version: 1\n"), vocabulary, extra_require={"odd": {"type": "no-such-type"}})


def test_extra_keys_are_unknown_without_their_rule(write_policy, vocabulary: PolicyVocabulary) -> None:
    path = write_policy("version: 1\nrequire:\n  audited: true\n")
    with pytest.raises(PolicyError, match="require.audited: unknown key"):
        load_policy(path, vocabulary)


def test_require_extra_is_not_a_file_key(write_policy, vocabulary: PolicyVocabulary) -> None:
    path = write_policy("version: 1\nrequire_extra: []\n")
    with pytest.raises(PolicyError, match="require_extra: unknown key; did you mean 'require'"):
        load_policy(path, vocabulary)


# -- anything a user might write gives a policy or one PolicyError ----------

POLICY_PIECES = st.sampled_from(
    [
        "version: 1\n", "version: 2\n", "require:\n", "  residency: EU\n", "  residency: [EU, eu]\n",
        "  min_context_tokens: 1e30\n", "  fine_tuning: yes\n", "  certifications: []\n", "exclude: {}\n",
        "self_hosting: {jurisdiction: EU}\n", "self_hosting: {}\n", "prefer: [newest]\n", "unknown: warn\n",
        "licensee:\n", "  domicile: NO\n", "  use: research\n", "name: x\n", "- a\n", "&a x\n", "*a\n", "\t", "{", "]",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(POLICY_PIECES, max_size=12))
def test_any_policy_text_gives_a_policy_or_one_policy_error(write_policy, vocabulary, pieces: list[str]) -> None:
    path = write_policy("".join(pieces), "fuzz.yaml")
    try:
        policy = load_policy(path, vocabulary)
    except PolicyError as error:
        assert "\n" not in error.one_line() and error.file == str(path)
    else:
        assert policy.version == 1


# -- jurisdiction aliases and allow-lists ---------------------------------------


def test_aliases_and_lists_load_normalised(vocabulary: PolicyVocabulary) -> None:
    policy = load_policy(VALID / "aliases_and_lists.yaml", vocabulary)
    assert policy.require.residency == ("GB", "EEA")
    assert policy.require.provider_headquarters == ("GB", "EU")
    assert policy.exclude.provider_headquarters == ("CN",)
    assert policy.only == Only(
        models=("claude-sonnet-4.6", "claude-sonnet-*"), makers=("anthropic",), providers=("aws-*", "azure-openai")
    )


def test_an_alias_is_read_only_where_the_knowledge_base_has_its_code() -> None:
    assert PolicyVocabulary(jurisdictions={"GB"}).canonical("jurisdictions", "uk") == "GB"
    assert PolicyVocabulary(jurisdictions={"US"}).canonical("jurisdictions", "UK") is None
    assert PolicyVocabulary(jurisdictions={"GB", "UK"}).canonical("jurisdictions", "UK") == "UK"


def test_patterns_match_case_insensitively(vocabulary: PolicyVocabulary) -> None:
    assert vocabulary.matching("models", "Claude-Sonnet-*") == ("claude-sonnet-4.5", "claude-sonnet-4.6")
    assert vocabulary.matching("providers", "[ab]*") == ("anthropic-api", "aws-bedrock", "azure-openai")
    assert vocabulary.pattern_suggestion("models", "claude-sonet-*") == "claude-sonnet-*"
    assert vocabulary.pattern_suggestion("models", "*-sonet") is None


def test_policies_that_do_not_use_the_new_keys_keep_their_fingerprint() -> None:
    """``only`` and ``exclude.provider_headquarters`` are left out of the canonical data when not given."""
    data = Policy(version=1, name="p").canonical_data()
    assert "only" not in data and "provider_headquarters" not in data["exclude"]
