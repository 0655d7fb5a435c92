"""Why a catalog entry is not imported: the closed set of reasons the import report uses.

Mapping files name these codes (``skip:``, ``unmapped:``, ``reason:``); a code not
listed here is refused when the mapping is read.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "not-chat": "not a chat model (embedding, image, audio, video, rerank, moderation or similar)",
    "fine-tuned": "a customer's fine-tuned model (ft:), not a model the provider lists",
    "alias": "an alias key of another entry, which is imported under its own key",
    "provider-not-in-scope": "the catalog's provider is not a knowledge-base provider or one the import adds",
    "no-target": "the entry names no region, profile or deployment type, and the provider has no single endpoint",
    "not-an-offering": "a pricing or routing variant (commitment term, alternative route), not a model a provider serves",
    "model-unknown": "the catalog id names a model the mapping does not list",
    "ambiguous": "the catalog id could name more than one model (a moving alias, a pre-release snapshot)",
    "maker-mismatch": "a model file of one lab for a model the mapping gives another maker",
    "retired": "the retirement date is on or before the snapshot date (its availability is not imported)",
    "duplicate": "another entry of the catalog describes the same model (the one whose id models.yaml lists first is used)",
    "no-offering": "a model description for a model no in-scope provider offers in this catalog (or offers only retired)",
}
"""Reason code -> what it means, as the report explains it."""
