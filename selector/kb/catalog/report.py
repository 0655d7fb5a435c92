"""The import report: what was imported, every entry left out and why, and where sources disagree.

``summary`` is the short form the command prints; ``full`` adds every entry left out
(grouped by reason), every catalog value a curated fact rejects or overrides, and every
value the two catalogs state differently. Sorted, no timestamps.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from selector.kb.catalog.plan import Plan
from selector.kb.catalog.reasons import REASONS
from selector.kb.namespaces import RDF, SEL, short


@dataclass(frozen=True)
class CatalogDisagreement:
    """A single-valued fact two catalogs state differently (both stay; the strictest applies)."""

    subject: str
    predicate: str
    values: tuple[tuple[str, str], ...]  # (catalog, value)


def counts(plan: Plan) -> dict[str, int]:
    """What the import adds, counted: records used, models, offerings, and new providers, targets and makers."""
    typed: dict[str, set] = defaultdict(set)
    for s in plan.statements:
        if s.predicate == RDF.type:
            typed[short(s.object)].add(s.subject)
    subjects: dict[str, set] = defaultdict(set)
    for s in plan.statements:
        kind = short(s.subject).split(":", 1)[0]
        subjects[kind].add(s.subject)
    return {
        "records read": len(plan.records),
        "records imported": len(plan.imported),
        "records left out": len(plan.unmapped),
        "models": len(subjects["model"]),
        "new models": len(typed["sel:Model"]),
        "offerings": len(subjects["offering"]),
        "new offerings": len(typed["sel:Offering"]),
        "availability statements": sum(1 for s in plan.statements if s.predicate == SEL.availableAt),
        "new providers": len(typed["sel:Provider"]),
        "new deployment targets": len({s.subject for s in plan.statements if s.predicate == SEL.provider
                                       and short(s.subject).startswith("target:")}),  # fmt: skip
        "new makers": len(typed["sel:Maker"]),
        "rejected claims (a curated fact wins)": len([d for d in plan.disagreements if d.kind == "claim"]),
        "values hidden by curated values": len([d for d in plan.disagreements if d.kind == "hidden"]),
    }


def summary(plan: Plan, disagreements: list[CatalogDisagreement], stale: tuple[str, ...] = ()) -> str:
    """The counts, and the entries left out counted by reason."""
    snap = plan.snapshot
    lines = [f"import of {snap.catalog} ({snap.edition}, as of {snap.as_of})"]
    for name, value in counts(plan).items():
        lines.append(f"  {name}: {value}")
    lines.append(f"  values the other catalog states differently: {len(disagreements)}")
    lines.append(f"  deployments retired here that the other catalog still places: {len(stale)}")
    lines.append("left out, by reason:")
    by_reason = Counter(u.reason for u in plan.unmapped)
    for reason in sorted(by_reason, key=lambda r: (-by_reason[r], r)):
        lines.append(f"  {reason}: {by_reason[reason]} ({REASONS[reason]})")
    return "\n".join(lines) + "\n"


def full(plan: Plan, disagreements: list[CatalogDisagreement], stale: tuple[str, ...] = ()) -> str:
    """The whole report, as Markdown."""
    snap = plan.snapshot
    lines = [f"# Import report: {snap.catalog} ({snap.edition}, as of {snap.as_of})", "",
             "```", summary(plan, disagreements, stale).rstrip(), "```", ""]
    grouped = defaultdict(list)
    for item in plan.unmapped:
        grouped[item.reason].append(item)
    lines += ["## Left out, by reason", ""]
    for reason in sorted(grouped):
        lines += [f"### {reason} ({len(grouped[reason])}): {REASONS[reason]}", ""]
        for item in sorted(grouped[reason], key=lambda u: (u.record.provider or "", u.record.key)):
            where = item.record.provider or f"models/{item.record.lab}"
            lines.append(f"- `{item.record.key}` ({where}): {item.why}")
        lines.append("")
    for kind, title in (("claim", "Rejected claims: a curated fact wins"), ("hidden", "Values hidden by curated values")):
        rows = [d for d in plan.disagreements if d.kind == kind]
        lines += [f"## {title} ({len(rows)})", ""]
        for d in sorted(rows, key=lambda d: (str(d.subject), str(d.predicate), str(d.catalog_value))):
            curated = ", ".join(short(v) for v in d.curated_values)
            lines.append(f"- {short(d.subject)} {short(d.predicate)}: catalog {short(d.catalog_value)}, "
                         f"curated {curated} (`{d.record}`)")
        lines.append("")
    lines += [
        f"## Retired here, still placed by the other catalog ({len(stale)})",
        "",
        "The other catalog's older snapshot still lists these deployments; their availability stands",
        "until the lifecycle rules judge retirement dates.",
        "",
    ]
    lines += [f"- {item}" for item in stale] + [""]
    lines += [f"## Catalogs disagree ({len(disagreements)}): both values stay, the strictest applies", ""]
    for d in disagreements:
        values = "; ".join(f"{catalog} {value}" for catalog, value in d.values)
        lines.append(f"- {d.subject} {d.predicate}: {values}")
    lines.append("")
    return "\n".join(lines)
