"""The floor of a cold discovery: the least any discovery that reads the bundles must do.

    python benchmarks/discovery_floor.py [--checked]

Scan the entry points of group ``skillwiki``, import each plugin's module, call its
``skillwiki_domains`` function, and parse every YAML document of every bundle it
names (the manifest, each atom's frontmatter) with PyYAML's C loader: no schema, no
checks, no cache, no report. Run as a whole process, as ``skillwiki list`` is.

``--checked``: instead of parsing, load and check each bundle as the SDK does
(``load_bundle`` and ``validate_bundle`` with the built-in checks): the least a
discovery that gives ``validate``'s verdict must do, still with no cache, no
registry and no report.
"""

import importlib
import importlib.metadata
import os
import sys

import yaml


def _documents(root: str) -> int:
    parsed = 0
    for current, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith((".md", ".yaml")):
                continue
            with open(os.path.join(current, name), encoding="utf-8") as handle:
                text = handle.read()
            if name.endswith(".md"):
                end = text.find("\n---\n", 3)
                if not text.startswith("---\n") or end < 0:
                    continue
                text = text[4 : end + 1]
            try:
                yaml.load(text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                continue
            parsed += 1
    return parsed


def _checked(root: str) -> int:
    from skillwiki_sdk.plugins import make_plugin_manager
    from skillwiki_sdk.validation import load_bundle, validate_bundle

    manager = _manager[0] = _manager[0] or make_plugin_manager(installed=False)
    bundle = load_bundle(root)
    validate_bundle(bundle, manager)
    return len(bundle.atoms) + 1


_manager: list = [None]


def main() -> int:
    read = _checked if "--checked" in sys.argv[1:] else _documents
    parsed = 0
    for point in importlib.metadata.entry_points(group="skillwiki"):
        try:
            module = importlib.import_module(point.value.split(":")[0])
            roots = module.skillwiki_domains()
        except Exception:  # noqa: BLE001, S112 - a broken plugin is skipped, as discovery would
            continue
        for root in roots or ():
            parsed += read(os.fspath(root) if isinstance(root, (str, os.PathLike)) else str(root))
    print(parsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
