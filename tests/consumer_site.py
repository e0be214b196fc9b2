"""The three domains with real content (the example plugin and the two written for
the matching tests, tests/data/domains/) installed as real distributions in a site
folder, for the consumer commands' tests and the match benchmark."""

from __future__ import annotations

import json
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plugin_factory import write_distribution

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
PROJECTS = {
    "backend-architecture": ROOT / "examples" / "backend-architecture",
    "web-security": TESTS / "data" / "domains" / "web-security",
    "data-engineering": TESTS / "data" / "domains" / "data-engineering",
}
BUNDLES = {name: next((project / "src").glob("skillwiki_*")) / "bundle" for name, project in PROJECTS.items()}
BRIEFS = TESTS / "data" / "briefs" / "briefs.jsonl"
# distribution names of their own, so that an installed example plugin does not
# conflict with this one: load only these (SKILLWIKI_LOAD_PLUGINS)
DISTRIBUTIONS = {name: f"skillwiki-ct-{name}" for name in PROJECTS}
LOAD = ",".join(DISTRIBUTIONS.values())


def write_site(site: Path) -> Path:
    """Each project's package (its hook and its bundle) and its dist-info in ``site``."""
    for name, project in PROJECTS.items():
        source = next((project / "src").glob("skillwiki_*"))
        package = write_distribution(
            site,
            DISTRIBUTIONS[name],
            "1.0.0",
            source.name,
            code=(source / "__init__.py").read_text(encoding="utf-8"),
            entry_points={name: source.name},
        )
        shutil.copytree(source / "bundle", package / "bundle")
    return site


TARGETS = {"routing@1": 0.90, "hit@3": 0.80, "mrr@5": 0.70}
"""What match must reach on labelled briefs (issue 15)."""


def load_briefs(path: str) -> list[dict[str, Any]]:
    """The labelled briefs of a JSON Lines file: ``{"brief", "domain", "atoms"}`` a line."""
    with open(path, encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def evaluate(
    briefs: list[dict[str, Any]], ask: Callable[[str], tuple[list[str], list[tuple[str, str]]]]
) -> dict[str, float]:
    """routing@1, hit@3 and MRR@5 of ``ask`` (brief -> (domains best first, (domain,
    id) of atoms best first)), and its median time a query in ms (after a first one)."""
    ask(briefs[0]["brief"])
    routed = hits = reciprocal = 0.0
    times = []
    for item in briefs:
        started = time.perf_counter()
        domains, atoms = ask(item["brief"])
        times.append(time.perf_counter() - started)
        expected = {(item["domain"], atom) for atom in item["atoms"]}
        routed += bool(domains) and domains[0] == item["domain"]
        hits += any(atom in expected for atom in atoms[:3])
        reciprocal += next((1 / rank for rank, atom in enumerate(atoms[:5], 1) if atom in expected), 0.0)
    count = len(briefs)
    return {
        "routing@1": routed / count,
        "hit@3": hits / count,
        "mrr@5": reciprocal / count,
        "ms": statistics.median(times) * 1000,
    }
