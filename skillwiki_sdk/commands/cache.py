"""``skillwiki cache info|clear``: the per-user cache of checked bundles."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cli import Output

SUMMARY = "show or clear the cache of checked bundles and of the match index"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "cache",
        help=SUMMARY,
        description="Discovery keeps what it learnt from each installed bundle in a per-user cache folder "
        "(SKILLWIKI_CACHE_DIR, else the platform's cache folder), keyed by the bundle's files, the SDK and its "
        "schemas, and the plugins that add checks, and the index 'skillwiki match' reads. 'info' says where it is "
        "and what it holds; 'clear' empties it. "
        "SKILLWIKI_NO_CACHE=1 turns it off.",
    )
    parser.add_argument("action", choices=("info", "clear"))
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace, out: Output) -> int:
    from ..cache import KINDS, Cache, CacheInfo, default_folder, disabled

    folder = default_folder()
    caches = [Cache(folder, kind) for kind in KINDS]  # the checked bundles and the match index
    problems = list(dict.fromkeys(problem for cache in caches if (problem := cache.problem()) is not None))
    status = 0
    if args.action == "clear":
        removed = sum(cache.clear() for cache in caches)
        left = sum(cache.info().entries for cache in caches)
        document = {"folder": folder, "removed": removed, "left": left, "problems": problems}
        text = f"removed {removed} entr{'y' if removed == 1 else 'ies'} from {folder}\n"
        if left:
            status = 1
            reason = "; ".join(problems) or "they could not be removed"
            out.note(f"skillwiki: {left} entr{'y is' if left == 1 else 'ies are'} left in {folder}: {reason}")
    else:
        parts = [cache.info() for cache in caches]
        info = CacheInfo(folder, sum(part.entries for part in parts), sum(part.bytes for part in parts))
        document = {**info.to_dict(), "enabled": not disabled(), "problems": problems}
        state = "off (SKILLWIKI_NO_CACHE is set)" if disabled() else "on"
        if problems:
            state += f", but unusable: {'; '.join(problems)} (discovery works without it)"
        text = f"folder:  {info.folder}\nstate:   {state}\nentries: {info.entries}\nsize:    {_size(info.bytes)}\n"
    if args.format == "json":
        import json

        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(text)
    return status


def _size(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return str(count)
