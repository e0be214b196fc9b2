"""A package index as a catalog source: every ``skillwiki-*`` project of a PEP 691
(JSON) or PEP 503 (HTML) simple index, through :mod:`skillwiki_sdk.index`.

For each project the newest release that is neither yanked nor a pre-release is
taken (its wheel, else its sdist), downloaded with its hash checked into a
temporary folder that is removed at once, and read in place like any other archive.
A release whose file and hash are those of the previous build is not downloaded
again. An index that cannot be listed stops the build (:class:`IndexUnavailable`)
before any page is written, so that a catalog is never emptied because its index
was down; a project that cannot be read is a rejection on the problems page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from typing import Any

from ..errors import SkillwikiError
from .sources import SourceResult, parts_digest, read_archive, rejection

__all__ = ["IndexUnavailable", "PREFIX", "index_reader"]

PREFIX = "skillwiki-"
_NOT_DOMAINS = {"skillwiki-sdk"}


class IndexUnavailable(SkillwikiError):
    """The index could not be listed: it is down, or what it serves is not an index."""


def index_reader(url: str, *, timeout: float = 15.0) -> Callable[[dict[str, Any]], list[SourceResult]]:
    """A reader of the index at ``url`` for :func:`~skillwiki_sdk.catalog.build_catalog`."""

    def read(context: dict[str, Any]) -> list[SourceResult]:
        return read_index(url, context, timeout=timeout)

    return read


def read_index(url: str, context: dict[str, Any], *, timeout: float = 15.0) -> list[SourceResult]:
    """The sources of every ``skillwiki-*`` project on the index at ``url``.

    ``context`` is what the build gives its readers: ``verdict`` (what else decides
    a verdict), ``reuse`` (a previous result for a key and fingerprint, or None),
    ``manager`` and ``known`` (the plugins and their codes), ``jobs`` and
    ``progress``.
    """
    from packaging.utils import canonicalize_name

    from ..index import PackageIndex, PackageIndexError, newest_file, redact_url

    shown = redact_url(url)
    progress = context.get("progress") or (lambda _: None)
    index = PackageIndex(url, timeout=timeout)
    try:
        projects = index.projects()
    except PackageIndexError as error:
        raise IndexUnavailable(
            f"--index {shown}: cannot list its projects: {error.message}; no page was written or removed"
        ) from None
    wanted = sorted(
        {
            canonicalize_name(name)
            for name in projects
            if canonicalize_name(name).startswith(PREFIX) and canonicalize_name(name) not in _NOT_DOMAINS
        }
    )
    progress(f"{shown}: {len(wanted)} skillwiki-* project{'s' if len(wanted) != 1 else ''}")
    results: list[SourceResult] = []
    for project in wanted:
        key = f"index:{shown}:{project}"
        try:
            files = index.files(project)
        except PackageIndexError as error:
            results.append(_failed(key, f"{project} on {shown}", f"its page cannot be read: {error.message}"))
            continue
        chosen = newest_file(files)
        if chosen is None:
            results.append(
                _failed(
                    key,
                    f"{project} on {shown}",
                    "it has no release that is neither yanked nor a pre-release, as a wheel or an sdist",
                )
            )
            continue
        display = f"{chosen.filename} ({shown})"
        fingerprint = parts_digest([context.get("verdict"), chosen.filename, sorted(chosen.hashes.items())])
        again = context["reuse"](key, fingerprint) if chosen.hashes else None
        if again is not None:
            results.append(again)
            continue
        progress(f"downloading {chosen.filename}")
        try:
            path = index.download(chosen)
        except PackageIndexError as error:
            results.append(_failed(key, display, f"it cannot be downloaded: {error.message}", fingerprint=""))
            continue
        origin = {
            "kind": "index",
            "source": display,
            "distribution": project,
            "version": str(chosen.version),
            "index": shown,
        }
        try:
            results.append(
                read_archive(
                    str(path),
                    chosen.kind,
                    context["manager"],
                    context["known"],
                    fingerprint,
                    display=display,
                    origin=origin,
                    key=key,
                    jobs=context.get("jobs", 1),
                )
            )
        finally:
            shutil.rmtree(os.path.dirname(str(path)), ignore_errors=True)
    return results


def _failed(key: str, display: str, reason: str, *, fingerprint: str = "") -> SourceResult:
    # no fingerprint: the next build tries again
    return SourceResult(key, display, "index", fingerprint, rejections=[rejection(display, "index", reason)])
