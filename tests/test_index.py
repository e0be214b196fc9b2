"""The package-index client against a real index on 127.0.0.1 (PEP 503 and PEP 691),
one that is down, one that stalls and one that serves garbage."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path

import pytest
from index_server import Index, serve
from packaging.version import Version

from skillwiki_sdk.index import PackageIndex, PackageIndexError, configured_index_urls, newest_file, redact_url


def _files(tmp_path: Path, *names: str) -> list[Path]:
    out = []
    for name in names:
        path = tmp_path / name
        path.write_bytes(f"content of {name}".encode())
        out.append(path)
    return out


@pytest.fixture(params=["html", "json"])
def index(request, tmp_path: Path):
    one, two, two_sdist, three, pre, yanked = _files(
        tmp_path,
        "skillwiki_foo-1.0.0-py3-none-any.whl",
        "skillwiki_foo-1.1.0-py3-none-any.whl",
        "skillwiki_foo-1.1.0.tar.gz",
        "skillwiki_foo-2.0.0-py3-none-any.whl",
        "skillwiki_foo-2.1.0rc1-py3-none-any.whl",
        "skillwiki_foo-1.2.0-py3-none-any.whl",
    )
    with serve(Index(style=request.param)) as served:
        for path in (one, two, two_sdist, three, pre):
            served.add("skillwiki-foo", path, requires_python=">=3.8")
        served.add("skillwiki-foo", yanked, yanked="broken release")
        served.add("Other_Project", _files(tmp_path, "other_project-0.1-py3-none-any.whl")[0])
        yield served


def test_projects_and_files_with_versions_hashes_yanked(index: Index) -> None:
    client = PackageIndex(index.url)
    assert sorted(client.projects()) == ["other-project", "skillwiki-foo"]
    files = {f.filename: f for f in client.files("Skillwiki.Foo")}
    assert len(files) == 6
    wheel = files["skillwiki_foo-1.1.0-py3-none-any.whl"]
    assert (wheel.version, wheel.kind, wheel.requires_python, wheel.yanked) == (
        Version("1.1.0"),
        "wheel",
        ">=3.8",
        None,
    )
    assert files["skillwiki_foo-1.1.0.tar.gz"].kind == "sdist"
    assert wheel.hashes["sha256"] == hashlib.sha256(b"content of skillwiki_foo-1.1.0-py3-none-any.whl").hexdigest()
    assert files["skillwiki_foo-1.2.0-py3-none-any.whl"].yanked == "broken release"
    assert client.files("no-such-project") == []


def test_newest_skips_yanked_and_prereleases_unless_named(index: Index) -> None:
    files = PackageIndex(index.url).files("skillwiki-foo")
    assert newest_file(files).version == Version("2.0.0")
    assert newest_file(files, "<2").filename == "skillwiki_foo-1.1.0-py3-none-any.whl"  # 1.2.0 is yanked
    assert newest_file(files, "==1.2.0").version == Version("1.2.0")  # a pin may pick a yanked one
    assert newest_file(files, ">=2.1.0rc1").version == Version("2.1.0rc1")
    assert newest_file(files, "", prereleases=True).version == Version("2.1.0rc1")
    assert newest_file(files, "<2", kinds=("sdist",)).filename == "skillwiki_foo-1.1.0.tar.gz"
    assert newest_file(files, ">3") is None


def test_download_checks_the_hash(index: Index, tmp_path: Path) -> None:
    client = PackageIndex(index.url)
    file = newest_file(client.files("skillwiki-foo"), "<2")
    path = client.download(file, tmp_path)
    assert path.name == file.filename and path.read_bytes() == b"content of skillwiki_foo-1.1.0-py3-none-any.whl"
    index.projects["skillwiki-foo"][1].sha256 = "0" * 64
    wrong = newest_file(client.files("skillwiki-foo"), "<2")
    before = set(tmp_path.iterdir())
    with pytest.raises(PackageIndexError, match="does not match its sha256 hash"):
        client.download(wrong, tmp_path)
    assert set(tmp_path.iterdir()) == before  # nothing left behind
    index.projects["skillwiki-foo"][1].sha256 = ""
    with pytest.raises(PackageIndexError, match="no hash"):
        client.download(newest_file(client.files("skillwiki-foo"), "<2"), tmp_path)


def test_download_size_limit(index: Index, tmp_path: Path) -> None:
    client = PackageIndex(index.url, max_file_bytes=10)
    with pytest.raises(PackageIndexError, match="limit"):
        client.download(newest_file(client.files("skillwiki-foo")), tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_index_down_is_an_error_with_the_url() -> None:
    url = f"http://user:secret@127.0.0.1:{_free_port()}/simple/"
    with pytest.raises(PackageIndexError, match="cannot be reached") as caught:
        PackageIndex(url).files("skillwiki-foo")
    assert "secret" not in str(caught.value) and "127.0.0.1" in caught.value.url


@pytest.mark.parametrize(
    "answer",
    [
        (200, "application/vnd.pypi.simple.v1+json", b"{not json"),
        (200, "application/vnd.pypi.simple.v1+json", b'{"meta": {"api-version": "2.0"}, "files": []}'),
        (200, "application/vnd.pypi.simple.v1+json", b'{"meta": {"api-version": "1.0"}, "files": 3}'),
        (200, "text/html", b"\xff\xfe garbage"),
        (200, "text/html", b"just text"),
        (500, "text/plain", b"oops"),
    ],
)
def test_garbage_is_an_error(answer) -> None:
    with serve() as index:
        index.routes["/simple/skillwiki-foo/"] = answer
        with pytest.raises(PackageIndexError) as caught:
            PackageIndex(index.url).files("skillwiki-foo")
        assert caught.value.url.endswith("/simple/skillwiki-foo/")


def test_a_stalled_index_times_out() -> None:
    with serve() as index:
        index.stall = 3
        start = time.monotonic()
        with pytest.raises(PackageIndexError):
            PackageIndex(index.url, timeout=0.5).files("skillwiki-foo")
        assert time.monotonic() - start < 2.5


def test_file_index(tmp_path: Path) -> None:
    simple = tmp_path / "simple" / "skillwiki-foo"
    simple.mkdir(parents=True)
    [wheel] = _files(tmp_path, "skillwiki_foo-1.0.0-py3-none-any.whl")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    (simple / "index.html").write_text(f'<a href="../../{wheel.name}#sha256={digest}">{wheel.name}</a>')
    client = PackageIndex((tmp_path / "simple").as_uri())
    [file] = client.files("skillwiki-foo")
    assert client.download(file, tmp_path).read_bytes() == wheel.read_bytes()
    assert client.files("other") == []


def test_configured_index_urls(tmp_path: Path) -> None:
    config = tmp_path / "pip.conf"
    config.write_text(
        "[global]\nindex-url = https://a.example/simple\nextra-index-url =\n  https://b.example/simple\n"
        "[install]\nindex_url = https://c.example/simple\n"
    )
    env = {"PIP_CONFIG_FILE": str(config), "HOME": str(tmp_path), "XDG_CONFIG_DIRS": str(tmp_path / "none")}
    assert configured_index_urls(env) == ["https://c.example/simple", "https://b.example/simple"]
    assert (
        configured_index_urls({**env, "PIP_INDEX_URL": "http://127.0.0.1:1/simple/"})[0] == "http://127.0.0.1:1/simple/"
    )
    assert configured_index_urls({"PIP_CONFIG_FILE": os.devnull}) == ["https://pypi.org/simple/"]
    assert configured_index_urls(
        {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_EXTRA_INDEX_URL": "x y"}
    ) == ["x", "y"]


def test_redact_url() -> None:
    assert redact_url("https://me:pw@host:8080/simple/") == "https://me:***@host:8080/simple/"
    assert redact_url("https://host/simple/") == "https://host/simple/"


def test_an_http_index_never_makes_the_client_read_a_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "skillwiki_foo-9.0.0-py3-none-any.whl"
    secret.write_bytes(b"local")
    with serve() as index:
        index.routes["/simple/skillwiki-foo/"] = (
            200,
            "text/html",
            f'<a href="{secret.as_uri()}">{secret.name}</a>'.encode(),
        )
        assert PackageIndex(index.url).files("skillwiki-foo") == []
