"""The catalog import: reproducible files, a golden for a small fixture, dry runs, the catalog layer.

The fixture (``catalog_fixtures/``) holds a few models.dev files and nineteen LiteLLM entries,
imported with the shipped mapping into a copy of the shipped curated knowledge base.
The last test checks that the shipped generated files equal a fresh import of the
catalog snapshots in ``../shared/catalogs`` (skipped where that folder is absent).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef

from selector.cli import cli
from selector.kb.catalog.diff import read_folder
from selector.kb.catalog.importer import catalog_folder, import_catalog
from selector.kb.catalog.mapping import load_mapping
from selector.kb.catalog.records import CatalogError
from selector.kb.facts import FactIndex
from selector.kb.load import load_knowledge_base
from selector.kb.namespaces import KB, SEL

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "catalog_fixtures"
GOLDEN = HERE / "catalog_golden"
MAP = ROOT / "ontology" / "catalog-map"
SOURCES = {
    "models.dev": FIXTURES / "models.dev",
    "litellm": FIXTURES / "litellm" / "model_prices_and_context_window.json",
}


def _shared_catalogs() -> Path | None:
    given = os.environ.get("SELECTOR_CATALOGS")
    if given:
        return Path(given) if Path(given).is_dir() else None
    for parent in ROOT.parents:
        if (parent / "shared" / "catalogs").is_dir():
            return parent / "shared" / "catalogs"
    return None


def _curated_copy(where: Path) -> Path:
    """An ontology folder holding the shipped ontology and curated files, without any catalog layer."""
    where.mkdir(parents=True, exist_ok=True)
    for name in ("selector.ttl", "shapes.ttl"):
        shutil.copy(ROOT / "ontology" / name, where / name)
    shutil.copytree(ROOT / "ontology" / "kb", where / "kb", ignore=shutil.ignore_patterns("catalog"))
    return where


def _import(kb_dir: Path, catalog: str, source: Path | None = None, **options):
    return import_catalog(catalog, source or SOURCES[catalog], kb_dir=kb_dir, map_dir=MAP, **options)


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """The fixture imported, models.dev first, into a copy of the curated knowledge base."""
    kb_dir = _curated_copy(tmp_path_factory.mktemp("imported") / "ontology")
    _import(kb_dir, "models.dev")
    _import(kb_dir, "litellm")
    return kb_dir


@pytest.mark.parametrize("catalog", sorted(SOURCES))
def test_importing_twice_gives_the_same_bytes(tmp_path: Path, catalog: str) -> None:
    first = _curated_copy(tmp_path / "first")
    second = _curated_copy(tmp_path / "second")
    _import(first, catalog)
    _import(second, catalog)
    _import(second, catalog)
    one, two = read_folder(catalog_folder(first, catalog)), read_folder(catalog_folder(second, catalog))
    assert one and one == two
    assert not [p for p in second.iterdir() if p.name.startswith(".import-")], "no temporary folder is left"


@pytest.mark.parametrize("catalog", sorted(SOURCES))
def test_generated_files_match_the_golden(imported: Path, catalog: str, update_goldens: bool) -> None:
    files = read_folder(catalog_folder(imported, catalog))
    golden = GOLDEN / catalog
    if update_goldens:
        shutil.rmtree(golden, ignore_errors=True)
        golden.mkdir(parents=True)
        for name, text in files.items():
            (golden / name).write_text(text, encoding="utf-8")
    assert files == read_folder(golden), f"catalog_golden/{catalog} differs; run pytest --update-goldens and review the diff"


def test_the_import_is_valid_and_a_layer_below_the_curated_one(imported: Path) -> None:
    from selector.kb.validate import check

    kb = load_knowledge_base(base_dir=imported)
    assert kb.layers == ("ontology", "catalog", "base")
    # The curated files may name offerings only the full catalogs bring: only the import's own files are judged.
    violations = check(kb, shapes=imported / "shapes.ttl").violations
    assert [v for v in violations if "/catalog/" in v.file] == []
    facts = FactIndex.build(kb)
    haiku = facts.one(URIRef(KB + "model/claude-haiku-4.5"), SEL.contextWindow)
    assert haiku is not None and haiku.layer == "catalog" and haiku.evidence_item.layer == "catalog"
    assert haiku.source.secondary and haiku.source.url.startswith("https://github.com/anomalyco/models.dev/blob/f3fc6922")


def test_a_curated_fact_wins_and_the_catalog_value_is_a_rejected_claim(imported: Path) -> None:
    kb = load_knowledge_base(base_dir=imported)
    facts = FactIndex.build(kb)
    output = facts.values(URIRef(KB + "model/claude-sonnet-4.6"), SEL.maxOutputTokens)
    assert [(str(f.object), f.layer) for f in output] == [("64000", "base")]
    assert "not applied: 128000 (https://github.com/BerriAI/litellm/blob/v1.110.2/" in output[0].note


def test_entries_left_out_are_reported_with_their_reasons(tmp_path: Path) -> None:
    result = _import(_curated_copy(tmp_path / "o"), "litellm", dry_run=True)
    reasons = {u.record.key: u.reason for u in result.plan.unmapped}
    assert reasons == {
        "azure/gpt-5.4": "no-target",
        "bedrock/claude_platform/claude-sonnet-4-6": "not-an-offering",
        "bedrock/eu-central-1/1-month-commitment/anthropic.claude-v2:1": "not-an-offering",
        "bedrock/eu-central-1/anthropic.claude-v2:1": "ambiguous",
        "claude-sonnet-latest": "alias",
        "eu.anthropic.claude-haiku-4-5-20251001-v1:0": "retired",
        "ft:gpt-4o-2024-08-06": "fine-tuned",
        "gpt-4.1-nano": "retired",
        "mistral/mistral-large-latest": "ambiguous",
        "text-embedding-3-small": "not-chat",
        "vertex_ai/zai-org/glm-5-maas": "retired",
    }
    report = result.report()
    assert "### retired (3)" in report and "`gpt-4.1-nano` (openai): retires on 2026-10-23" in report


def test_a_dry_run_lists_the_changes_and_writes_nothing(tmp_path: Path) -> None:
    kb_dir = _curated_copy(tmp_path / "o")
    first = _import(kb_dir, "litellm", dry_run=True)
    assert not catalog_folder(kb_dir, "litellm").exists()
    assert "+ offering:gpt-5.4--openai-api sel:inputPricePerMTok 2.5" in first.diff.render()
    _import(kb_dir, "litellm")
    before = read_folder(catalog_folder(kb_dir, "litellm"))
    assert _import(kb_dir, "litellm", dry_run=True).diff.empty
    data = json.loads(SOURCES["litellm"].read_text(encoding="utf-8"))
    data["gpt-5.4"]["input_cost_per_token"] = 3e-06
    del data["xai/grok-4.3"]
    changed = tmp_path / "prices.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["kb", "import", "litellm", str(changed), "--kb-dir", str(kb_dir), "--map-dir", str(MAP), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "~ offering:gpt-5.4--openai-api sel:inputPricePerMTok 2.5 -> 3.0" in result.output
    assert "- offering:grok-4.3--xai-api sel:availableAt target:xai-api--global" in result.output
    assert "- file xai-api.trig" in result.output and "dry run: nothing written" in result.output
    assert read_folder(catalog_folder(kb_dir, "litellm")) == before


def test_the_command_writes_the_folder_and_the_report(tmp_path: Path) -> None:
    kb_dir = _curated_copy(tmp_path / "o")
    folder = catalog_folder(kb_dir, "models.dev")
    folder.mkdir(parents=True)
    (folder / "stale.trig").write_text("# a file the import does not make\n", encoding="utf-8")
    report = tmp_path / "report.md"
    args = ["kb", "import", "models.dev", str(SOURCES["models.dev"]), "--kb-dir", str(kb_dir), "--map-dir", str(MAP), "--report", str(report)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "stale.trig" not in read_folder(folder) and "models.trig" in read_folder(folder)
    assert report.read_text(encoding="utf-8").startswith("# Import report: models.dev (commit f3fc6922, as of 2026-07-02)")


def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    kb_dir = _curated_copy(tmp_path / "o")
    missing = tmp_path / "missing.json"
    result = CliRunner().invoke(cli, ["kb", "import", "litellm", str(missing), "--kb-dir", str(kb_dir), "--map-dir", str(MAP)])
    assert result.exit_code == 2
    assert result.output.strip().endswith("missing.json: no such file") and result.output.count("\n") == 1
    assert not catalog_folder(kb_dir, "litellm").exists()


def test_a_mapping_that_contradicts_itself_is_refused(tmp_path: Path) -> None:
    shutil.copytree(MAP, tmp_path / "map")
    models = tmp_path / "map" / "models.yaml"
    text = models.read_text(encoding="utf-8")
    models.write_text(text.replace("\nmodels:\n", "\nmodels:\n  twin: {maker: openai, label: 'Twin', ids: ['gpt-5.4']}\n", 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"models.yaml:\d+: models.gpt-5.4: id 'gpt-5.4' is already mapped to twin"):
        load_mapping(tmp_path / "map", "litellm")
    models.write_text(text.replace("\nmodels:\n", "\nmodelz: {}\nmodels:\n", 1), encoding="utf-8")
    (tmp_path / "map" / "litellm.yaml").write_text("catalog: litellm\nproviderz: {}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"litellm.yaml:2: providerz: unknown key"):
        load_mapping(tmp_path / "map", "litellm")


def test_catalogs_that_disagree_are_noted_on_the_fact(tmp_path: Path) -> None:
    kb_dir = _curated_copy(tmp_path / "o")
    for name, value in (("a", "128000"), ("b", "100000")):
        folder = kb_dir / "kb" / "catalog" / name
        folder.mkdir(parents=True)
        (folder / "models.trig").write_text(
            "@prefix sel: <https://w3id.org/selector/ns#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            "@prefix dcterms: <http://purl.org/dc/terms/> .\n@prefix model: <https://w3id.org/selector/kb/model/> .\n"
            f"<urn:x:{name}> a sel:Source ; dcterms:source <https://example.org/{name}> ; sel:asOf \"2026-01-01\"^^xsd:date .\n"
            f"<urn:x:{name}> {{ model:gpt-5.4 sel:maxOutputTokens {value} . }}\n",
            encoding="utf-8",
        )
    facts = FactIndex.build(load_knowledge_base(base_dir=kb_dir))
    found = facts.values(URIRef(KB + "model/gpt-5.4"), SEL.maxOutputTokens)
    assert sorted(str(f.object) for f in found) == ["100000", "128000"]
    assert found[0].note == (
        "catalogs disagree: 100000 (https://example.org/b), 128000 (https://example.org/a); the strictest value applies"
    )


@pytest.mark.parametrize("catalog", sorted(SOURCES))
def test_shipped_files_equal_a_fresh_import_of_the_snapshots(catalog: str) -> None:
    shared = _shared_catalogs()
    if shared is None:
        pytest.skip("the catalog snapshots (../shared/catalogs) are not here")
    source = shared / "models.dev" if catalog == "models.dev" else shared / "litellm" / "model_prices_and_context_window.json"
    kb_dir = ROOT / "ontology"
    result = _import(kb_dir, catalog, source=source, dry_run=True)
    assert result.files == read_folder(catalog_folder(kb_dir, catalog)), (
        f"ontology/kb/catalog/{catalog} is not a fresh import; run: selector kb import {catalog} ..."
    )


def test_ranking_reads_the_strictest_of_several_values(tmp_path: Path) -> None:
    from selector.api import Selector

    overlay = tmp_path / "two-prices.trig"
    overlay.write_text(
        "@prefix sel: <https://w3id.org/selector/ns#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n@prefix offering: <https://w3id.org/selector/kb/offering/> .\n"
        "<urn:x:a> a sel:Source ; dcterms:source <https://example.org/a> ; sel:asOf \"2026-01-01\"^^xsd:date .\n"
        "<urn:x:b> a sel:Source ; dcterms:source <https://example.org/b> ; sel:asOf \"2026-01-01\"^^xsd:date .\n"
        "<urn:x:a> { offering:gemini-2.5-flash--vertex-ai sel:inputPricePerMTok 0.1 ; sel:contextWindow 2000000 . }\n"
        "<urn:x:b> { offering:gemini-2.5-flash--vertex-ai sel:inputPricePerMTok 9.0 ; sel:contextWindow 300000 . }\n"
        # Two values of one property in one layer: the layer says they are all (see the ontology's closed world).
        "<urn:x:a> { offering:gemini-2.5-flash--vertex-ai sel:closedList [ sel:listOf sel:inputPricePerMTok ; "
        "sel:listLength 2 ] , [ sel:listOf sel:contextWindow ; sel:listLength 2 ] . }\n"
        "<urn:x:a> { <https://w3id.org/selector/kb/target/vertex-ai--europe-west4> sel:priceMultiplier 1.1 . }\n"
        "<urn:x:b> { <https://w3id.org/selector/kb/target/vertex-ai--europe-west4> sel:priceMultiplier 1.5 . }\n",
        encoding="utf-8",
    )
    selector = Selector(overlays=(overlay,))
    # Evaluated before gemini-2.5-flash retires on Vertex AI (2026-10-20), so that it is ranked.
    policy = selector.load_policy(ROOT / "examples" / "eu-finetune-long-context.yaml").on(date(2026, 10, 1))
    report = selector.select(policy)
    (flash,) = [d for d in report.decisions if d.candidate.id == "gemini-2.5-flash@vertex-ai/europe-west4"]
    assert dict(flash.ranked_by) == {"largest_context": "300,000 tokens", "lowest_price": "$13.5 / $3.75 per Mtok"}
