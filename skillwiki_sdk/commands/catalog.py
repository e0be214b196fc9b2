"""``skillwiki catalog [SOURCE ...] --out DIR``: a static marketplace site."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cli import Output

SUMMARY = "write a static marketplace site of domains"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "catalog",
        help=SUMMARY,
        description="Write a static site (Browse with search and filters, a page per domain and per atom, "
        "catalog.json, a sitemap and a page of the sources left out) into DIR. SOURCE: a bundle, a plugin project, "
        "a wheel, an sdist, or a folder of them; none: the installed domains. Only what validates is published. "
        "Exit 0 when every source was published, 1 when some were left out, 2 on a usage error (such as a DIR that "
        "is not empty and not a previous catalog).",
    )
    parser.add_argument("sources", nargs="*", metavar="SOURCE")
    parser.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="DIR",
        help="the site's folder: new, empty, or a previous catalog (rebuilt where it changed)",
    )
    parser.add_argument(
        "--index",
        action="append",
        default=[],
        metavar="URL",
        help="also every skillwiki-* project of this PEP 691/503 simple index (its newest release; repeatable)",
    )
    parser.add_argument(
        "--installed",
        action="store_true",
        default=None,
        help="also the installed domains (the default when no SOURCE and no --index is given)",
    )
    parser.add_argument(
        "--title", default="Skill Wiki", help="the site's name in every page's header (default: Skill Wiki)"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="what to print when done (default: text)"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="processes to read and render with (default: one a core)",
    )


def run(args: argparse.Namespace, out: Output) -> int:
    """Build the catalog; 0 when every source was published, 1 when some were left out."""
    from ..errors import SkillwikiError

    try:
        from ..catalog import MissingDependency, build_catalog
        from ..catalog.render import require_libraries

        require_libraries()
    except MissingDependency as error:
        raise SkillwikiError(str(error)) from None
    indexes = []
    if args.index:
        from ..catalog.indexes import index_reader
        from ..index import check_index_url

        # before anything is read or written: a URL that is not one is a usage error
        indexes = [index_reader(check_index_url(url, "--index")) for url in args.index]
    note = out.note if out.interactive() else (lambda text: None)
    if args.jobs is not None and args.jobs < 1:
        from ..errors import UsageError

        raise UsageError(f"--jobs must be 1 or more, got {args.jobs}")
    jobs = args.jobs if args.jobs is not None else min(_cores(), 8)
    missing = [source for source in args.sources if not os.path.lexists(source)]
    if missing:  # (a mistyped SOURCE would unpublish what the last build published)
        from ..errors import UsageError

        raise UsageError(
            f"no such file or folder: {', '.join(missing)}; nothing was written. "
            "Name bundles, plugin projects, wheels, sdists or folders of them"
        )
    result = build_catalog(
        args.sources,
        args.out,
        installed=args.installed,
        index_results=indexes,
        title=args.title,
        progress=note,
        jobs=1,
        mapper=_pool(jobs),
        batches=jobs,
        registry=out.registry,
    )
    from ..escapes import printable, printable_data

    if result.ignored:
        shown = ", ".join(printable(relative) for relative in result.ignored[:3])
        more = f" and {len(result.ignored) - 3} more" if len(result.ignored) > 3 else ""
        out.note(
            f"catalog: left alone {_count(len(result.ignored), 'file')} that the previous build's record names "
            f"through a symbolic link (or outside --out): {shown}{more}"
        )
    if args.format == "json":
        import json

        out.write(json.dumps(printable_data(result.to_dict()), indent=2, ensure_ascii=False) + "\n")
    else:
        where = os.path.relpath(result.out) if not os.path.relpath(result.out).startswith("..") else result.out
        where = printable(where)  # (--out's own name, as the sources' are: bytes that are not UTF-8 escaped)
        lines = [
            f"catalog: {_count(len(result.domains), 'domain')}, {_count(result.atoms, 'atom')}, "
            f"{_count(result.pages, 'page')} in {where}",
            f"  files: {result.written} written, {result.unchanged} unchanged, {result.removed} removed; "
            f"{_count(len(result.rendered), 'domain')} rendered",
        ]
        if result.rejections:
            lines.append(
                f"left out, {_count(len(result.rejections), 'source')} (see {os.path.join(where, 'problems.html')}):"
            )
            for item in result.rejections:
                domain = f" ({item['domain']})" if item.get("domain") else ""
                lines.append(f"  {item['source']}{domain}: {item['reason']}")
                for finding in item["findings"][:3]:
                    at = f"{finding['file']}:{finding['line']}" if finding.get("line") else (finding.get("file") or "")
                    lines.append(f"      {at}: {finding['code']} {finding['message']}")
                if len(item["findings"]) > 3:
                    lines.append(f"      … and {len(item['findings']) - 3} more")
        for item in result.duplicates:
            lines.append(f"not published: {item['source']}: {item['reason']}")
        lines.append(f"open {os.path.join(where, 'index.html')}")
        out.write("\n".join(lines) + "\n")
    return 1 if result.rejections else 0


def _count(number: int, one: str) -> str:
    return f"{number:,} {one if number == 1 else one + 's'}"


def _pool(jobs: int) -> Callable[[Callable[..., Any], Sequence[tuple[Any, ...]]], list[Any]]:
    """A mapper (see skillwiki_sdk.catalog.Mapper) over ``jobs`` forked processes:
    the command owns its process; the library only runs what it is given."""

    def run(function: Callable[..., Any], items: Sequence[tuple[Any, ...]]) -> list[Any]:
        if jobs <= 1 or len(items) <= 1:
            return [function(*item) for item in items]
        import multiprocessing  # (here: a rebuild of one domain needs no pool)
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(items)), mp_context=multiprocessing.get_context(method)
        ) as pool:
            return list(pool.map(_call, [function] * len(items), items))

    return run


def _call(function: Callable[..., Any], item: tuple[Any, ...]) -> Any:
    return function(*item)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
