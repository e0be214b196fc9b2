"""In-process measurements for benchmarks/run.py, printed as seconds.

    python benchmarks/inprocess.py discover   best warm Registry.discover(), then the first
    python benchmarks/inprocess.py register   registering the installed plugins: plain pluggy, then ours
    python benchmarks/inprocess.py compile    compiling both schema checks (fastjsonschema)
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
    from skillwiki_sdk.plugins import DEFAULT_PLUGINS, _base_manager, installed_plugins  # noqa: PLC2701 - measuring the private shortcut

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


def compile_checks() -> None:
    import json

    import fastjsonschema

    from skillwiki_sdk.schema import SCHEMA_NAMES, schema_text

    schemas = [{**json.loads(schema_text(name)), "$schema": "http://json-schema.org/draft-07/schema#"} for name in SCHEMA_NAMES]
    start = time.perf_counter()
    for schema in schemas:
        fastjsonschema.compile(schema)
    print(f"{time.perf_counter() - start:.6f}")


if __name__ == "__main__":
    {"discover": discover, "register": register, "compile": compile_checks}[sys.argv[1]]()
