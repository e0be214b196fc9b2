"""The three domains with real content (the example plugin and the two written for
the matching tests, tests/data/domains/) installed as real distributions in a site
folder, for the consumer commands' tests and the match benchmark."""

from __future__ import annotations

import shutil
from pathlib import Path

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
        package = write_distribution(site, DISTRIBUTIONS[name], "1.0.0", source.name, code=(source / "__init__.py").read_text(encoding="utf-8"), entry_points={name: source.name})
        shutil.copytree(source / "bundle", package / "bundle")
    return site
