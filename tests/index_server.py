"""A real package index on 127.0.0.1 for tests: PEP 503 HTML or PEP 691 JSON pages,
built from real files, with yanked files, wrong hashes and misbehaving answers on
request."""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Served:
    """One file on the index."""

    path: Path
    yanked: str | None = None
    requires_python: str | None = None
    sha256: str | None = None  # None: the real one; "" none at all; else this (wrong) one


@dataclass
class Index:
    """What the server serves; change it while it runs."""

    projects: dict[str, list[Served]] = field(default_factory=dict)
    style: str = "html"  # or "json"
    routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)  # path -> status, type, body
    stall: float = 0.0  # seconds to wait before answering
    url: str = ""

    def add(self, project: str, path: Path, **kwargs) -> Served:
        served = Served(path, **kwargs)
        self.projects.setdefault(normalize(project), []).append(served)
        return served


def _digest(served: Served) -> str | None:
    if served.sha256 == "":
        return None
    return served.sha256 or hashlib.sha256(served.path.read_bytes()).hexdigest()


def _page(index: Index, path: str) -> tuple[int, str, bytes]:
    if path in index.routes:
        return index.routes[path]
    parts = [p for p in path.split("/") if p]
    if parts == ["simple"]:
        if index.style == "json":
            doc = {"meta": {"api-version": "1.0"}, "projects": [{"name": n} for n in sorted(index.projects)]}
            return 200, "application/vnd.pypi.simple.v1+json", json.dumps(doc).encode()
        links = "".join(f'<a href="{n}/">{n}</a>\n' for n in sorted(index.projects))
        return 200, "text/html", f"<!DOCTYPE html><html><body>\n{links}</body></html>\n".encode()
    if len(parts) == 2 and parts[0] == "simple":
        files = index.projects.get(parts[1])
        if files is None:
            return 404, "text/plain", b"not found"
        if index.style == "json":
            entries = []
            for s in files:
                digest = _digest(s)
                entries.append(
                    {
                        "filename": s.path.name,
                        "url": f"../../files/{parts[1]}/{s.path.name}",
                        "hashes": {"sha256": digest} if digest else {},
                        "requires-python": s.requires_python,
                        "yanked": s.yanked if s.yanked else (s.yanked is not None),
                        "size": s.path.stat().st_size,
                    }
                )
            doc = {"meta": {"api-version": "1.1"}, "name": parts[1], "files": entries}
            return 200, "application/vnd.pypi.simple.v1+json", json.dumps(doc).encode()
        anchors = []
        for s in files:
            digest = _digest(s)
            href = f"../../files/{parts[1]}/{s.path.name}" + (f"#sha256={digest}" if digest else "")
            attrs = ""
            if s.requires_python:
                attrs += f' data-requires-python="{html.escape(s.requires_python)}"'
            if s.yanked is not None:
                attrs += f' data-yanked="{html.escape(s.yanked)}"'
            anchors.append(f'<a href="{html.escape(href)}"{attrs}>{html.escape(s.path.name)}</a><br/>\n')
        return 200, "text/html", f"<!DOCTYPE html><html><body>\n{''.join(anchors)}</body></html>\n".encode()
    if len(parts) == 3 and parts[0] == "files":
        for s in index.projects.get(parts[1], []):
            if s.path.name == parts[2]:
                return 200, "application/octet-stream", s.path.read_bytes()
    return 404, "text/plain", b"not found"


@contextmanager
def serve(index: Index | None = None) -> Iterator[Index]:
    """Serve ``index`` on 127.0.0.1 (a free port) while the block runs; ``index.url``
    is its ``/simple/`` URL."""
    index = index or Index()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if index.stall:
                time.sleep(index.stall)
            status, content_type, body = _page(index, self.path.split("?")[0])
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    index.url = f"http://127.0.0.1:{server.server_address[1]}/simple/"
    try:
        yield index
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
