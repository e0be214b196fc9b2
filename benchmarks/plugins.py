"""Many small domain plugins as real wheels, installed with one ``pip install``.

    python benchmarks/plugins.py VENV_PYTHON COUNT WORKDIR

Each plugin is a distribution ``swbench-domain-NNN`` holding a package with a
three-atom bundle and a ``skillwiki`` entry point, written straight as a wheel (a zip
with its dist-info), so that no build backend runs 100 times.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile

__all__ = ["write_wheel", "install_plugins"]

_INIT = '''"""Benchmark domain {index}."""
from importlib.resources import files

from skillwiki_sdk import hookimpl


@hookimpl
def skillwiki_domains():
    return [files(__name__) / "bundle"]
'''

_MANIFEST = """schema: 1
name: swbench-domain-{index:03d}
version: "1.0.0"
description: Benchmark domain {index}.
requires-sdk: ">=0.1,<0.2"
tags: [alpha, beta, gamma]
axes:
  layer:
    description: A layer.
    values: [top, bottom]
"""

_ATOM = """---
id: {id}
kind: principle
summary: Atom {id} of benchmark domain {index}.
tags: [{tag}]
axes:
  layer: [{layer}]
---

A body.
"""


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(out: str, index: int) -> str:
    """Write the wheel of plugin ``index`` into ``out``; returns its path."""
    dist = f"swbench_domain_{index:03d}"
    package = dist
    version = "1.0.0"
    files: dict[str, bytes] = {
        f"{package}/__init__.py": _INIT.format(index=index).encode(),
        f"{package}/bundle/domain.yaml": _MANIFEST.format(index=index).encode(),
    }
    for number, (tag, layer) in enumerate((("alpha", "top"), ("beta", "bottom"), ("gamma", "top"))):
        atom_id = f"atom-{number}"
        files[f"{package}/bundle/atoms/{atom_id}.md"] = _ATOM.format(
            id=atom_id, index=index, tag=tag, layer=layer
        ).encode()
    info = f"{dist}-{version}.dist-info"
    files[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: swbench-domain-{index:03d}\nVersion: {version}\n"
        f"Summary: Benchmark domain {index}\n"
    ).encode()
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: skillwiki-bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{info}/entry_points.txt"] = f"[skillwiki]\nswbench-domain-{index:03d} = {package}\n".encode()
    record = [_record_line(name, data) for name, data in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = os.path.join(out, f"{dist}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def install_plugins(python: str, count: int, workdir: str) -> None:
    """Build ``count`` plugin wheels in ``workdir`` and install them all into the
    environment of ``python`` with a single pip call (no index, no dependencies)."""
    os.makedirs(workdir, exist_ok=True)
    wheels = [write_wheel(workdir, index) for index in range(count)]
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--disable-pip-version-check", *wheels],
        check=True,
    )


if __name__ == "__main__":
    install_plugins(sys.argv[1], int(sys.argv[2]), sys.argv[3])
