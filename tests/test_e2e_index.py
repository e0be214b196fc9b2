"""End to end, with real tools: ``skillwiki build`` the example plugin, serve it and
the SDK from a PEP 503 index on 127.0.0.1, ``pip install`` both into a fresh virtual
environment, see it in ``skillwiki list``, ``pip uninstall`` it and see it gone.

The SDK's own dependencies are put into the same index with ``pip download`` (from
the index pip is configured with), so that the install itself reads only the local
index (``--index-url``, no extra index): what installs is exactly what is served.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import venv
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.slow


def _run(*cmd: str | Path, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def write_simple_index(files: Path, simple: Path) -> None:
    """PEP 503: /simple/ lists projects; /simple/<project>/ links its files."""
    projects: dict[str, list[Path]] = {}
    for path in sorted(files.iterdir()):
        name = path.name.split("-")[0] if path.suffix == ".whl" else path.name.rsplit("-", 1)[0]
        projects.setdefault(_normalize(name), []).append(path)
    simple.mkdir(parents=True)
    links = "".join(f'<a href="{p}/">{p}</a>\n' for p in sorted(projects))
    (simple / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")
    for project, paths in projects.items():
        (simple / project).mkdir()
        for path in paths:
            shutil.copy2(path, simple / project / path.name)
        anchors = "".join(f'<a href="{html.escape(p.name)}">{html.escape(p.name)}</a>\n' for p in paths)
        (simple / project / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{anchors}</body></html>\n")


@pytest.fixture(scope="session")
def index_url(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("index")
    files = root / "files"
    files.mkdir()
    skillwiki = Path(sys.executable).with_name("skillwiki")
    built = _run(skillwiki, "build", EXAMPLE, "--outdir", files)
    assert "backend-architecture: 18 atoms, 0 errors" in built.stdout
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", files, ROOT)
    [sdk_wheel] = files.glob("skillwiki_sdk-*.whl")
    _run(sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:", "--dest", files, sdk_wheel)
    write_simple_index(files, root / "www" / "simple")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root / "www"))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_pip_install_registers_and_uninstall_removes(index_url: str, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python, skillwiki = env_dir / "bin" / "python", env_dir / "bin" / "skillwiki"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "SKILLWIKI_", "PYTHON"))}
    environ.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_CACHE_DIR="1", PIP_CONFIG_FILE=os.devnull)
    pip = (python, "-m", "pip", "install", "--quiet", "--index-url", index_url)
    _run(*pip, "skillwiki-sdk", env=environ)
    listed = json.loads(_run(skillwiki, "list", "--format", "json", env=environ).stdout)
    assert (listed["domains"], listed["problems"]) == ([], [])
    _run(*pip, "skillwiki-backend-architecture", env=environ)
    listed = json.loads(_run(skillwiki, "list", "--format", "json", env=environ).stdout)
    [domain] = listed["domains"]
    assert (domain["name"], domain["distribution"], domain["version"], domain["atoms"]) == (
        "backend-architecture",
        "skillwiki-backend-architecture",
        "1.0.0",
        18,
    )
    assert listed["problems"] == []
    assert str(env_dir) in domain["path"]  # loaded from the venv, not from this checkout
    card = _run(skillwiki, "show", "backend-architecture", env=environ).stdout
    assert "v1.0.0 · 18 atoms · 22 tags · 3 axes" in card
    _run(python, "-m", "pip", "uninstall", "--yes", "--quiet", "skillwiki-backend-architecture", env=environ)
    listed = json.loads(_run(skillwiki, "list", "--format", "json", env=environ).stdout)
    assert (listed["domains"], listed["problems"]) == ([], [])
