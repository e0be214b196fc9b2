"""The package-index client against a real index on 127.0.0.1 (PEP 503 and PEP 691),
one that is down, one that stalls and one that serves garbage."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
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


def _skillwiki(*argv: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``skillwiki ARGV`` in a process of its own, pip's configuration set only by ``env``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "SKILLWIKI_"))}
    environ.update(HOME=str(cwd), XDG_CONFIG_DIRS=str(cwd / "none"), SKILLWIKI_CACHE_DIR=str(cwd / "cache"), **env)
    return subprocess.run(
        [sys.executable, "-m", "skillwiki_sdk", *argv],
        env=environ,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _pip_conf(tmp_path: Path, url: str) -> str:
    (tmp_path / "pip.conf").write_text(f"[global]\nindex-url = {url}\n")
    return str(tmp_path / "pip.conf")


@pytest.mark.parametrize(
    ("url", "reason"),
    [("http://[::1", "Invalid IPv6 URL"), ("http://u:secret@host:99999/simple/", "Port out of range")],
    ids=["unclosed-bracket", "port-out-of-range"],
)
@pytest.mark.parametrize("origin", ["PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "pip.conf", "--index"])
def test_an_index_url_that_is_not_a_url_is_a_usage_error_naming_where_it_came_from(
    tmp_path: Path, origin: str, url: str, reason: str
) -> None:
    """It was an internal error (exit 3) for catalog, and SW599 "a bug in
    skillwiki-sdk" for compat; the password is not shown."""
    from conftest import EXAMPLE

    shown = url.replace(":secret@", ":***@")
    if origin == "--index":
        done = _skillwiki("catalog", "--index", url, "--out", "site", env={}, cwd=tmp_path)
        assert not (tmp_path / "site").exists()
    else:
        env = {"PIP_CONFIG_FILE": os.devnull, origin: url}
        if origin == "pip.conf":
            env = {"PIP_CONFIG_FILE": _pip_conf(tmp_path, url)}
        done = _skillwiki("compat", str(EXAMPLE), "--against", "index:", env=env, cwd=tmp_path)
    named = {"pip.conf": f"index-url in {tmp_path / 'pip.conf'} [global]"}.get(origin, origin)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr.startswith(f"skillwiki: error: {named}: {shown!r} is not a valid URL ({reason}")
    assert done.stderr.count("\n") == 1
    assert "secret" not in done.stderr and "Traceback" not in done.stderr


def test_the_library_refuses_an_index_url_that_is_not_a_url() -> None:
    from skillwiki_sdk.index import IndexURLError, check_index_url

    with pytest.raises(IndexURLError, match=r"^the index URL: 'http://\[::1' is not a valid URL"):
        PackageIndex("http://[::1")
    assert check_index_url("https://pypi.org/simple/", "--index") == "https://pypi.org/simple/"


@pytest.mark.parametrize("style", ["html", "json"])
def test_file_urls_on_an_index_page_that_are_not_urls_are_passed_over(tmp_path: Path, style: str) -> None:
    """What the index serves is not the user's input: a file whose URL is not one is
    left out (it was a ValueError out of files(), SW599 in compat)."""
    from index_server import _page

    [wheel] = _files(tmp_path, "skillwiki_foo-1.0.0-py3-none-any.whl")
    with serve(Index(style=style)) as index:
        index.add("skillwiki-foo", wheel)
        status, content_type, body = _page(index, "/simple/skillwiki-foo/")
        bad = ["http://[::1/skillwiki_foo-2.0.0-py3-none-any.whl", "http://h:x/skillwiki_foo-3.0.0-py3-none-any.whl"]
        if style == "json":
            doc = json.loads(body)
            doc["files"] += [{**doc["files"][0], "filename": url.rsplit("/", 1)[1], "url": url} for url in bad]
            pages = [json.dumps(doc).encode()]
        else:
            anchors = "".join(f'<a href="{url}">{url.rsplit("/", 1)[1]}</a>' for url in bad).encode()
            pages = [anchors + body, b'<base href="http://[::1">' + body]
        for page in pages:
            index.routes["/simple/skillwiki-foo/"] = (status, content_type, page)
            assert [f.filename for f in PackageIndex(index.url).files("skillwiki-foo")] == [wheel.name]


def test_redact_url_of_a_text_that_is_not_a_url() -> None:
    assert redact_url("http://me:pw@[::1/simple/") == "http://me:***@[::1/simple/"
    assert redact_url("https://me:pw@[::1]:8080/simple/") == "https://me:***@[::1]:8080/simple/"


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_a_pip_config_that_is_not_a_regular_file_or_is_huge_is_refused_not_read(tmp_path: Path, kind: str) -> None:
    """A FIFO hung compat on open, /dev/zero read forever: now exit 2 naming the file."""
    from conftest import EXAMPLE

    path = {"device": "/dev/zero"}.get(kind, str(tmp_path / "pip.conf"))
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "huge":
        with open(path, "w") as handle:
            handle.write("[global]\n" + "# a comment\n" * 200_000)
    start = time.monotonic()
    done = _skillwiki("compat", str(EXAMPLE), "--against", "index:", env={"PIP_CONFIG_FILE": path}, cwd=tmp_path)
    assert time.monotonic() - start < 30
    what = {"fifo": "is a named pipe (FIFO), not a regular file", "device": "is a device, not a regular file"}
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr.startswith(
        f"skillwiki: error: pip configuration file {path} (PIP_CONFIG_FILE) {what.get(kind, 'is larger than 1 MiB')}"
    )


def test_a_file_whose_version_has_more_digits_than_python_reads_is_no_release() -> None:
    """int() refuses more than 4300 digits with a ValueError that is no InvalidVersion:
    it escaped files() and newest_file() (SW599 in compat)."""
    huge = "skillwiki_foo-" + "1" * 5000
    with serve() as index:
        index.routes["/simple/skillwiki-foo/"] = (
            200,
            "text/html",
            f'<a href="{huge}-py3-none-any.whl">x</a><a href="{huge}.tar.gz">y</a>'.encode(),
        )
        files = PackageIndex(index.url).files("skillwiki-foo")
    assert [(f.kind, f.version) for f in files] == [("other", None), ("other", None)]
    assert newest_file(files) is None
    from packaging.specifiers import InvalidSpecifier

    for text in ("==" + "7" * 5000, ">=1,<" + "7" * 5000):
        with pytest.raises(InvalidSpecifier, match="more digits than Python reads"):
            newest_file(files, text)
