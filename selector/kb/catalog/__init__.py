"""Importing public model catalogs (models.dev, LiteLLM) as the knowledge base's catalog layer.

``selector kb import models.dev DIR`` and ``selector kb import litellm FILE`` read a
catalog snapshot (``modelsdev``, ``litellm``: one :class:`~records.Record` per entry),
map every entry with the reviewed mapping in ``ontology/catalog-map/`` (``mapping``,
``apply``), turn the mapped entries into statements weighed against the hand-curated
layer (``plan``, ``emit``, ``context``), write them as TriG under
``ontology/kb/catalog/<catalog>/`` (``trig``), and report what was imported, what was
left out and why, and what changed (``report``, ``diff``). ``importer`` runs the
whole; ``propose`` helps a maintainer draft mapping entries.
"""

from selector.kb.catalog.importer import CATALOGS, ImportResult, import_catalog

__all__ = ["CATALOGS", "ImportResult", "import_catalog"]
