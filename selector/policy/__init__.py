"""The policy file: what a team requires of an LLM deployment, as validated data.

A policy is a YAML file (SPEC section 5). ``load_policy`` (``check``) reads it safely,
checks every key and value in document order against the models (``model``) and
against the knowledge base's vocabulary (``vocabulary``: jurisdictions, makers,
providers, ...), and returns a frozen ``Policy`` or raises one ``PolicyError`` line
naming the file, line and key of the first problem, with a suggestion where one is
close (``wording``). ``policy_from_data`` checks a policy given as plain data the same
way (``Selector.policy``), with the same one-line errors.

``policy_json_schema()`` (``schema``) publishes the same models as a JSON Schema for
editors, with the names the knowledge base knows (``names``) enumerated;
``python -m selector.policy`` prints it (the checked-in copy is
``selector/schemas/policy.schema.json``).
"""

from selector.policy.check import check_policy_document, load_policy, policy_from_data
from selector.policy.model import (
    Exclude,
    LicenceRequirement,
    Licensee,
    Only,
    Policy,
    PriceCap,
    Require,
    SelfHosting,
    policy_value,
    value_kind,
)
from selector.policy.schema import main, policy_json_schema, policy_json_schema_text
from selector.policy.vocabulary import PolicyVocabulary

__all__ = [
    "Exclude",
    "LicenceRequirement",
    "Licensee",
    "Only",
    "Policy",
    "PolicyVocabulary",
    "PriceCap",
    "Require",
    "SelfHosting",
    "check_policy_document",
    "load_policy",
    "main",
    "policy_json_schema",
    "policy_from_data",
    "policy_json_schema_text",
    "policy_value",
    "value_kind",
]
