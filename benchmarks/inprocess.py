"""In-process measurements for benchmarks/run.py, printed as seconds.

python benchmarks/inprocess.py discover   best warm Registry.discover(), then the first
python benchmarks/inprocess.py register   registering the installed plugins: plain pluggy, then ours
python benchmarks/inprocess.py compile    compiling both schema checks (fastjsonschema)
python benchmarks/inprocess.py yaml BUNDLE  every frontmatter of BUNDLE through PyYAML's
                                          own construction, then through the direct one
"""

from __future__ import annotations

import sys
import time


def _best(function, rounds: int = 15) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def discover() -> None:
    from skillwiki_sdk import Registry
    from skillwiki_sdk.plugins import installed_plugins

    start = time.perf_counter()
    Registry.discover()
    first = time.perf_counter() - start
    # as an application does: its plugins loaded once, the registry discovered again
    plugins = installed_plugins()
    print(f"{_best(lambda: Registry.discover(plugins=plugins)):.6f} {first:.6f}")


def register() -> None:
    import importlib

    import pluggy

    from skillwiki_sdk import hookspecs
    from skillwiki_sdk.plugins import DEFAULT_PLUGINS, _base_manager, installed_plugins

    loaded = installed_plugins().plugins

    def plain() -> None:
        manager = pluggy.PluginManager(hookspecs.PROJECT)
        manager.add_hookspecs(hookspecs)
        for name in DEFAULT_PLUGINS:
            manager.register(importlib.import_module(name), name=name)
        for item in loaded:
            manager.register(item.plugin, name=item.registered_name)

    def ours() -> None:
        manager = _base_manager()
        for item in loaded:
            manager.register(item.plugin, name=item.registered_name)

    print(f"{_best(plain):.6f} {_best(ours):.6f}")


def compile_checks(how: str) -> None:
    """The time a process spends to have both schema checks, fastjsonschema's import
    included: compiled at first use (``compile``: the plain design) or imported from
    the modules made ahead of time (``generated``). Measured in a process that has
    what a validation or a discovery has imported by then (some of what fastjsonschema
    imports is there already)."""
    import importlib.metadata  # noqa: F401

    import skillwiki_sdk.registry
    import skillwiki_sdk.validation  # noqa: F401
    from skillwiki_sdk import schema

    definitions = [schema._as_draft_07(schema.load_schema(name)) for name in schema.SCHEMA_NAMES]
    start = time.perf_counter()
    if how == "compile":
        import fastjsonschema

        checks = [schema._compile(fastjsonschema.compile, definition) for definition in definitions]
    else:
        checks = [schema._generated_check(name) for name in schema.SCHEMA_NAMES]
    seconds = time.perf_counter() - start
    if not all(checks):
        raise SystemExit(f"no {how} schema check")
    print(f"{seconds:.6f}")


def yaml_paths(root: str) -> None:
    import os

    from skillwiki_sdk.loading import load_yaml, split_frontmatter
    from skillwiki_sdk.model import Source

    fronts = []
    for current, _, names in os.walk(os.path.join(root, "atoms")):
        for name in names:
            with open(os.path.join(current, name), encoding="utf-8") as handle:
                front, _ = split_frontmatter(handle.read(), name)
            if front is not None:
                fronts.append((front.yaml, Source(name, name, 1)))

    def load(direct: bool) -> None:
        for text, source in fronts:
            load_yaml(text, source, direct=direct)

    print(f"{_best(lambda: load(False), 3):.6f} {_best(lambda: load(True), 3):.6f}")


if __name__ == "__main__":
    commands = {"discover": discover, "register": register, "compile": compile_checks, "yaml": yaml_paths}
    commands[sys.argv[1]](*sys.argv[2:])
