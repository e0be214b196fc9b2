"""``skillwiki catalog``: a static marketplace site of domains, needing no server.

:func:`build_catalog` reads the sources (see :mod:`.sources`), keeps what validates,
and writes into one folder (see :mod:`.site`)::

    index.html                        Browse: every domain, search and filters
    domains/<name>/index.html         the domain's card, as on the marketplace page
    domains/<name>/atoms.html         every atom of the domain
    domains/<name>/atoms/<id>.html    one atom, its body rendered from Markdown
    domains/<name>/domain.json        the domain's data with the atoms' bodies
    catalog.json                      every domain and atom's figures, for programs
    sitemap.html                      every page
    problems.html                     the sources left out, with their findings
    assets/style.css, assets/catalog.js

The pages work opened from disk (the Browse page's data is inside it) and load
nothing from the network. A second build into the same folder renders only the
domains whose source changed (or whose links to other domains did), and writes only
the files whose content changed.

The rendering libraries (Jinja2, cmarkgfm, nh3) are the extra ``skillwiki-sdk[catalog]``;
without them :class:`~.render.MissingDependency` says how to install them. Nothing
here prints, exits, forks or starts a thread.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from .render import MissingDependency
from .site import MANIFEST, OutputRefused, Site
from .sources import SourceResult

__all__ = [
    "CatalogResult",
    "MANIFEST",
    "Mapper",
    "MissingDependency",
    "OutputRefused",
    "build_catalog",
    "read_sources",
    "render_domains",
    "serial",
]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EXTERNAL = re.compile(r"^@([a-z0-9]+(?:-[a-z0-9]+)*)/([a-z0-9]+(?:-[a-z0-9]+)*)$")


@dataclass
class CatalogResult:
    """What a build did: the domains published, the sources left out, the files."""

    out: str
    domains: list[str] = field(default_factory=list)
    atoms: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    rendered: list[str] = field(default_factory=list)
    reused: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "domains": self.domains,
            "atoms": self.atoms,
            "rejections": self.rejections,
            "duplicates": self.duplicates,
            "pages": self.pages,
            "files": {"written": self.written, "unchanged": self.unchanged, "removed": self.removed},
            "rendered": self.rendered,
            "reused_sources": self.reused,
        }


Progress = Callable[[str], None]
Mapper = Callable[[Callable[..., Any], Sequence[tuple[Any, ...]]], Sequence[Any]]
"""Runs ``function(*item)`` for every item and returns the results in order. The
library's own runs them one after the other; a command line that owns its process
may pass one that spreads them over processes (the function and items pickle)."""


def _quiet(_: str) -> None:
    pass


def serial(function: Callable[..., Any], items: Sequence[tuple[Any, ...]]) -> list[Any]:
    """The default :data:`Mapper`: here, one item after the other."""
    return [function(*item) for item in items]


def _batches(items: list[Any], count: int) -> list[list[Any]]:
    """``items`` dealt into at most ``count`` batches of about equal work."""
    count = max(1, min(count, len(items)))
    return [items[start::count] for start in range(count)] if items else []


def build_catalog(
    sources: Sequence[str],
    out: str,
    *,
    installed: bool | None = None,
    index_results: Sequence[Callable[[dict[str, Any]], list[SourceResult]]] = (),
    title: str = "Skill Wiki",
    jobs: int | None = 1,
    progress: Progress = _quiet,
    mapper: Mapper = serial,
    batches: int = 1,
    registry: Any = None,
) -> CatalogResult:
    """Write the catalog of ``sources`` into the folder ``out``.

    ``installed`` adds the domains installed in this environment (default: when no
    source and no index is given). ``index_results`` are callables that, given what
    the build knows (the previous build's records, the checks), return the sources
    of a package index (see :mod:`.indexes`). ``mapper`` and ``batches``: how the
    reading and rendering of the sources is run (see :data:`Mapper`), in how many
    batches. ``registry``: the installed domains (a
    :class:`~skillwiki_sdk.Registry`, or a function that gives one), used when
    ``installed``; by default discovered here.

    Raises :class:`OutputRefused` before anything is read when ``out`` is not empty
    and not a previous catalog, or cannot be written, and :class:`MissingDependency`
    when the rendering libraries are missing; bad sources are rejections in the
    result, never exceptions.
    """
    from .render import Renderer, theme_key

    renderer = Renderer(title)  # the libraries are there before any work
    site = Site(out)
    result = CatalogResult(out=site.out)
    previous_sources = site.previous_section("sources")
    previous_domains = _previous_catalog(site)

    from ..plugins import checks_of, make_plugin_manager, rules_of
    from .sources import choose, expand, fingerprint_file, fingerprint_folder, rejection, verdict_key

    manager = make_plugin_manager()
    checks = list(checks_of(manager))
    known = [rule.code for rule in rules_of(manager)]
    verdict = verdict_key(checks)
    results: list[SourceResult] = []

    present: set[str] = set()  # domains whose every page was found as the previous build left it

    def reuse(key: str, fingerprint: str) -> SourceResult | None:
        record = previous_sources.get(key)
        if not isinstance(record, dict) or record.get("fingerprint") != fingerprint:
            return None
        names = record.get("domains") or []
        if not all(
            name in previous_domains and site.still_there(_domain_files(previous_domains[name])) for name in names
        ):
            return None  # a page of it is gone: read it again to render it
        present.update(names)
        found = SourceResult(
            key,
            record.get("display", key),
            record.get("kind", ""),
            fingerprint,
            [previous_domains[n] for n in names],
            list(record.get("rejections") or []),
        )
        result.reused += 1
        return found

    slots: list[SourceResult | None] = []
    to_read: list[tuple[int, str, str, str]] = []
    for argument in sources:
        named = expand(argument)
        if not named:
            slots.append(
                SourceResult(
                    os.path.abspath(argument),
                    argument,
                    "folder",
                    "",
                    rejections=[
                        rejection(argument, "folder", "no bundle, plugin project, wheel or sdist in this folder")
                    ],
                )
            )
        for path, kind in named:
            key = os.path.abspath(path)
            if kind in ("missing", "unknown", "unreadable"):
                why = {
                    "missing": "no such file or folder",
                    "unknown": "not a bundle, a plugin project, a wheel or an sdist",
                    "unreadable": "cannot be read",
                }[kind]
                slots.append(SourceResult(key, path, kind, "", rejections=[rejection(path, kind, why)]))
                continue
            fingerprint = (
                fingerprint_file(path, [verdict]) if kind in ("wheel", "sdist") else fingerprint_folder(path, [verdict])
            )
            found = reuse(key, fingerprint)
            if found is None:
                to_read.append((len(slots), path, kind, fingerprint))
            slots.append(found)
    if to_read:
        progress(f"reading {len(to_read)} source{'s' if len(to_read) != 1 else ''}")
        for batch in mapper(read_sources, [(batch, jobs) for batch in _batches(to_read, batches)]):
            for slot, found in batch:
                slots[slot] = found
    results.extend(found for found in slots if found is not None)
    for read_index in index_results:
        results.extend(
            read_index(
                {
                    "verdict": verdict,
                    "reuse": reuse,
                    "manager": manager,
                    "known": known,
                    "jobs": jobs,
                    "progress": progress,
                }
            )
        )
    if installed or (installed is None and not sources and not index_results):
        from .sources import read_installed

        progress("discovering the installed domains")
        if registry is None:
            from ..registry import Registry

            registry = Registry.discover
        for found in read_installed(registry() if callable(registry) else registry, verdict):
            again = reuse(found.key, found.fingerprint)
            results.append(again if again is not None else found)

    domains, duplicates = choose(results)
    domains = [entry for entry in domains if _publishable(entry, results)]
    for found in results:
        result.rejections.extend(found.rejections)
    result.duplicates = duplicates
    _render(
        site,
        renderer,
        theme_key(),
        domains,
        results,
        result,
        previous_domains,
        progress,
        mapper,
        batches,
        title,
        present,
    )
    return result


def read_sources(items: Sequence[tuple[int, str, str, str]], jobs: int | None = 1) -> list[tuple[int, SourceResult]]:
    """Read and check sources given as (slot, path, kind, fingerprint); the results
    with their slots. One call of the plugins' hooks for the whole batch."""
    from ..plugins import checks_of, make_plugin_manager, rules_of
    from .sources import read_archive, read_folder

    manager = make_plugin_manager()
    checks = list(checks_of(manager))
    known = [rule.code for rule in rules_of(manager)]
    done = []
    for slot, path, kind, fingerprint in items:
        if kind in ("wheel", "sdist"):
            found = read_archive(path, kind, manager, known, fingerprint, jobs=jobs)
        else:
            found = read_folder(path, kind, manager, checks, known, fingerprint, jobs=jobs)
        for entry in found.domains:
            entry["digest"] = _digest(entry)  # here, beside the reading, not in the build's own process
        done.append((slot, found))
    return done


def _publishable(entry: dict[str, Any], results: list[SourceResult]) -> bool:
    """Names and ids become paths: only slugs (validation has made sure of it)."""
    if _SLUG.match(entry.get("name") or "") and all(
        _SLUG.match(atom.get("id") or "") for atom in entry.get("atoms", [])
    ):
        return True
    for found in results:
        if entry in found.domains:
            found.rejections.append(
                {
                    "source": found.display,
                    "kind": found.kind,
                    "domain": None,
                    "reason": "its domain name or an atom id is not a slug",
                    "findings": [],
                }
            )
    return False


def _previous_catalog(site: Site) -> dict[str, dict[str, Any]]:
    """The domains of the previous build's catalog.json (without bodies), by name."""
    data = site.read_previous("catalog.json")
    if data is None:
        return {}
    try:
        catalog = json.loads(data)
    except ValueError:
        return {}
    found = {}
    for entry in catalog.get("domains", []) if isinstance(catalog, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            found[entry["name"]] = entry
    return found


def _domain_files(entry: dict[str, Any]) -> list[str]:
    base = f"domains/{entry['name']}"
    return [f"{base}/index.html", f"{base}/atoms.html", f"{base}/domain.json"] + [
        f"{base}/atoms/{atom['id']}.html" for atom in entry["atoms"]
    ]


def _digest(*parts: Any) -> str:
    import hashlib

    return hashlib.blake2b(
        json.dumps(parts, sort_keys=True, separators=(",", ":")).encode(), digest_size=16
    ).hexdigest()


def _render(
    site: Site,
    renderer: Any,
    theme: str,
    domains: list[dict[str, Any]],
    results: list[SourceResult],
    result: CatalogResult,
    previous_domains: dict[str, Any],
    progress: Progress,
    mapper: Mapper,
    batches: int,
    title: str,
    present: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    from .render import json_for_script, static_files

    ids = {entry["name"]: sorted({atom["id"] for atom in entry["atoms"]}) for entry in domains}
    idsets = {name: set(values) for name, values in ids.items()}
    previous_state = site.previous_section("domains")
    previous_files = site.previous_files()
    state_domains: dict[str, Any] = {}
    work: list[tuple[dict[str, Any], dict[str, str]]] = []
    missing: set[str] = set()
    for entry in domains:
        name = entry["name"]
        refs = sorted({ref for atom in entry["atoms"] for ref in atom["related"] if ref.startswith("@")})
        resolved = [ref for ref in refs if _resolve(ref, idsets)]
        record = previous_state.get(name) if isinstance(previous_state.get(name), dict) else {}
        content = entry.get("digest") or _digest(entry)  # of its data: the same data renders the same pages
        key = _digest(theme, content, resolved)
        files = _domain_files(entry)
        state_domains[name] = {"content": content, "render": key}
        if record.get("render") == key and (
            (name in present and entry is previous_domains.get(name)) or site.still_there(files)
        ):
            site.keep(files)
            continue
        full = entry if not entry["atoms"] or "body" in entry["atoms"][0] else _full_entry(site, name)
        if full is None:
            # its data file was changed by hand: left out now, its source read again next time
            del state_domains[name]
            missing.add(name)
            continue
        work.append((full, {relative: previous_files[relative] for relative in files if relative in previous_files}))
    if work:
        progress(f"rendering {len(work)} domain{'s' if len(work) != 1 else ''}")
        wanted = {ref for full, _ in work for atom in full["atoms"] for ref in atom["related"] if ref.startswith("@")}
        others = {match.group(1) for match in map(_EXTERNAL.match, wanted) if match}
        for batch in mapper(
            render_domains,
            [
                (
                    site.out,
                    site._real,
                    title,
                    batch,
                    {n: ids[n] for n in others | {full["name"] for full, _ in batch} if n in ids},
                )
                for batch in _batches(work, batches)
            ],
        ):
            for name, files, written, unchanged in batch:
                site.merge(files, written, unchanged)
                result.rendered.append(name)
    result.rendered.sort()
    if missing:
        domains = [entry for entry in domains if entry["name"] not in missing]
        for found in results:
            for entry in found.domains:
                if entry["name"] in missing:
                    found.fingerprint = ""  # not recorded: read again next time
                    result.rejections.append(
                        {
                            "source": found.display,
                            "kind": found.kind,
                            "domain": entry["name"],
                            "reason": "its domain.json in the catalog was changed by hand; build again to publish it",
                            "findings": [],
                        }
                    )

    # what every build writes: the Browse page, catalog.json, sitemap, problems, assets
    previous_pages = site.previous_section("pages")
    for relative, data in static_files().items():
        site.write(relative, data)
    summaries = [_summary(entry) for entry in domains]
    atom_total = sum(len(entry["atoms"]) for entry in domains)
    kinds = sorted(
        {atom["kind"] for entry in domains for atom in entry["atoms"]}
        | {k for entry in domains for k in entry["kinds"]}
    )
    tags = sorted({tag for entry in domains for tag in entry["tags"]})
    axes: dict[str, set[str]] = {}
    for entry in domains:
        for axis in entry["axes"]:
            axes.setdefault(axis["id"], set()).update(axis["values"])
    data = {
        "domains": [
            {"n": e["name"], "t": e["title"], "d": e["description"], "v": e["version"], "tags": e["tags"]}
            for e in domains
        ],
        "atoms": [
            [
                index,
                a["id"],
                a["kind"],
                a["title"],
                a["summary"],
                a["excerpt"],
                a["tags"],
                [f"{axis}={value}" for axis, values in a["axes"].items() for value in values],
                a["quality"],
                len(a["related"]),
            ]
            for index, e in enumerate(domains)
            for a in e["atoms"]
        ],
    }
    problems = result.rejections
    site.write(
        "index.html",
        renderer.page(
            "browse",
            root="",
            domains=summaries,
            atom_total=atom_total,
            kinds=kinds,
            tags=tags,
            axes=[(a, sorted(v)) for a, v in sorted(axes.items())],
            data=json_for_script(data),
            problems=problems,
        ),
    )
    pages = ["index.html", "sitemap.html", "problems.html"] + [
        page for entry in domains for page in _domain_files(entry) if page.endswith(".html")
    ]
    rows = [
        (e["name"], e["version"], [(a["id"], a["title"], a["kind"]) for a in e["atoms"]]) for e in domains
    ]  # tuples: no attribute lookups in the loop
    # the sitemap lists names and titles only: unchanged by most edits, and 10,000 links to render
    sitemap_key = _digest(theme, rows, len(pages), len(problems))
    if previous_pages.get("sitemap.html") == sitemap_key and site.still_there(["sitemap.html"]):
        site.keep(["sitemap.html"])
    else:
        site.write(
            "sitemap.html", renderer.page("sitemap", root="", domains=rows, pages=len(pages), problems=len(problems))
        )
    site.write("problems.html", renderer.page("problems", root="", problems=problems, duplicates=result.duplicates))
    catalog = {
        "format": 1,
        "generator": f"skillwiki-sdk {__version__}",
        "domains": [
            {
                **_without_bodies(entry),
                "pages": {
                    "domain": f"domains/{entry['name']}/index.html",
                    "atoms": f"domains/{entry['name']}/atoms.html",
                    "data": f"domains/{entry['name']}/domain.json",
                },
            }
            for entry in domains
        ],
        "problems": problems,
        "duplicates": result.duplicates,
        "pages": pages,
    }
    # compact: json's C encoder does not indent, and 10,000 atoms take it 1 s more
    site.write("catalog.json", json.dumps(catalog, ensure_ascii=False, separators=(",", ":")) + "\n")
    sources_state = {found.key: found.to_dict() for found in results if found.fingerprint}
    site.finish(
        {
            "generator": f"skillwiki-sdk {__version__}",
            "theme": theme,
            "sources": sources_state,
            "domains": state_domains,
            "pages": {"sitemap.html": sitemap_key},
        }
    )
    result.domains = [entry["name"] for entry in domains]
    result.atoms = atom_total
    result.pages = len(pages)
    result.written, result.unchanged, result.removed = site.written, site.unchanged, site.removed


def _without_bodies(entry: dict[str, Any]) -> dict[str, Any]:
    light = dict(entry)
    light["atoms"] = [{key: value for key, value in atom.items() if key != "body"} for atom in entry["atoms"]]
    return light


def _full_entry(site: Site, name: str) -> dict[str, Any] | None:
    data = site.read_previous(f"domains/{name}/domain.json")
    if data is None:
        return None
    try:
        entry = json.loads(data)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) and entry.get("name") == name else None


def _summary(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in ("name", "title", "description", "version", "counts", "tags")}


def _resolve(ref: str, ids: dict[str, Any]) -> bool:
    match = _EXTERNAL.match(ref)
    return bool(match and match.group(2) in ids.get(match.group(1), ()))


def _related(
    atom: dict[str, Any], domain: str, ids: dict[str, set[str]], titles: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    titles = titles or {}
    items = []
    for ref in atom["related"]:
        match = _EXTERNAL.match(ref)
        if match:
            other, target = match.groups()
            href = f"../../{other}/atoms/{target}.html" if target in ids.get(other, ()) else None
            items.append({"label": target, "domain": other, "href": href})
        else:
            href = f"{ref}.html" if _SLUG.match(ref) and ref in ids.get(domain, ()) else None
            items.append({"label": titles.get(ref, ref), "domain": None, "href": href})
    return items


def _filter_links(entry: dict[str, Any], root: str) -> dict[str, str]:
    """tag (or ``axis=value``) → the Browse page filtered by it, seen from ``root``."""
    from urllib.parse import quote

    links = {tag: f"{root}index.html#tag={quote(tag, safe='')}" for tag in entry["tags"]}
    for atom in entry["atoms"]:
        for tag in atom["tags"]:
            if tag not in links:
                links[tag] = f"{root}index.html#tag={quote(tag, safe='')}"
        for axis, values in atom["axes"].items():
            for value in values:
                key = f"{axis}={value}"
                if key not in links:
                    links[key] = f"{root}index.html#axis={quote(key, safe='')}"
    return links


def _install_name(entry: dict[str, Any]) -> str | None:
    origin = entry.get("origin") or {}
    distribution = origin.get("distribution")
    if isinstance(distribution, str) and re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", distribution):
        return distribution
    return None


def render_domains(
    out: str, real: str, title: str, work: Sequence[tuple[dict[str, Any], dict[str, str]]], ids: dict[str, list[str]]
) -> list[tuple[str, dict[str, str], int, int]]:
    """Render and write the pages of each (domain entry, previous digests of its
    files); ``ids``: the atom ids of the published domains its links may name.
    Returns (name, files written with their digests, written, unchanged) each."""
    from .render import Renderer
    from .site import Writer

    renderer = Renderer(title)
    known = {name: set(values) for name, values in ids.items()}
    done = []
    for entry, previous in work:
        writer = Writer(out, real, previous)
        _render_domain(writer, renderer, entry, known)
        done.append((entry["name"], writer.files, writer.written, writer.unchanged))
    return done


def _render_domain(site: Any, renderer: Any, entry: dict[str, Any], ids: dict[str, set[str]]) -> None:
    from .render import external_url

    name = entry["name"]
    base = f"domains/{name}"
    site.write(
        f"{base}/index.html",
        renderer.page(
            "domain", root="../../", d=entry, install=_install_name(entry), homepage=external_url(entry.get("homepage"))
        ),
    )
    groups: dict[str, list[dict[str, Any]]] = {}
    for atom in entry["atoms"]:
        groups.setdefault(atom["kind"], []).append(atom)
    site.write(f"{base}/atoms.html", renderer.page("atoms", root="../../", d=entry, groups=list(groups.items())))
    titles = {atom["id"]: atom["title"] for atom in entry["atoms"]}
    hrefs = _filter_links(entry, "../../../")
    for atom in entry["atoms"]:
        site.write(
            f"{base}/atoms/{atom['id']}.html",
            renderer.page(
                "atom",
                root="../../../",
                d=entry,
                a=atom,
                body=renderer.body(atom.get("body") or ""),
                related=_related(atom, name, ids, titles),
                hrefs=hrefs,
            ),
        )
    site.write(
        f"{base}/domain.json", json.dumps({**entry, "format": 1}, ensure_ascii=False, separators=(",", ":")) + "\n"
    )
