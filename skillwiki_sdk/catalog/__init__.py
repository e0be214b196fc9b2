"""``skillwiki catalog``: a static marketplace site of domains, needing no server.

:func:`build_catalog` reads the sources (see :mod:`.sources`), keeps what validates,
and writes into one folder (see :mod:`.site`)::

    index.html                        Browse: every domain, search and filters
    domains/<name>/index.html         the domain's card, as on the marketplace page
    domains/<name>/atoms.html         every atom of the domain
    domains/<name>/atoms/<id>.html    one atom, its body rendered from Markdown
    domains/<name>/domain.json        the domain's data with the atoms' bodies
    domains/<name>/.pieces.json       what the pages about every domain show of it
    catalog.json                      every domain and atom's figures, for programs
    sitemap.html                      every page
    problems.html                     the sources left out, with their findings
    assets/style.css, assets/catalog.js

The pages work opened from disk (the Browse page's data is inside it) and load
nothing from the network. A second build into the same folder reads again only the
sources whose files changed, renders only the domains whose data changed (or whose
links to other domains did), makes the pages about every domain again only when
what they show changed (from each domain's pieces, not its data), and writes only
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
from typing import TYPE_CHECKING, Any

from .. import __version__
from .render import MissingDependency
from .site import MANIFEST, OutputRefused, Site, digest
from .sources import SourceResult

if TYPE_CHECKING:
    from .render import Renderer

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
    ignored: list[str] = field(default_factory=list)
    """Files the previous build's record names that were not removed: a link is on
    the way to them (or the record names no path of the catalog)."""

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
            "ignored": self.ignored,
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
    previous_listings = _previous_listings(site)
    pieces: dict[str, Any] = {}  # domain name -> its pieces, as the file of them read back (bytes) or made

    from ..plugins import checks_of, make_plugin_manager, rules_of
    from .sources import choose, expand, fingerprint_file, fingerprint_folder, rejection, verdict_key

    manager = make_plugin_manager()
    checks = list(checks_of(manager))
    known = [rule.code for rule in rules_of(manager)]
    verdict = verdict_key(checks)
    results: list[SourceResult] = []

    def reuse(key: str, fingerprint: str) -> SourceResult | None:
        record = previous_sources.get(key)
        if not isinstance(record, dict) or record.get("fingerprint") != fingerprint:
            return None
        names = record.get("domains") or []
        if not all(
            name in previous_listings and site.still_there(_domain_files(name, previous_listings[name]["ids"]))
            for name in names
        ):
            return None  # a page of it is gone: read it again to render it
        found_pieces = {name: site.read_previous(_pieces_file(name)) for name in names}
        if None in found_pieces.values():
            return None  # gone or changed by hand: read it again
        pieces.update(found_pieces)
        found = SourceResult(
            key,
            record.get("display", key),
            record.get("kind", ""),
            fingerprint,
            [previous_listings[n] for n in names],
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
        _digest(theme_key(), title),  # the title is in every page's header
        domains,
        results,
        result,
        progress,
        mapper,
        batches,
        title,
        pieces,
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
    ids = entry["ids"] if _is_listing(entry) else [atom.get("id") for atom in entry.get("atoms", [])]
    if _SLUG.match(entry.get("name") or "") and all(_SLUG.match(atom or "") for atom in ids):
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


# A domain's listing: the little that a rebuild needs of a published domain without
# reading it (its name, version and origin, its atoms' ids, its links to other
# domains, the digests of its data and of what the pages about every domain show of
# it), kept in the manifest. Its pieces: what those pages (Browse, catalog.json, the
# sitemap) are made of, the JSON already as text, kept in domains/<name>/.pieces.json
# and read only when one of those pages is made again.
_LISTING = {
    "name": str,
    "version": str,
    "origin": dict,
    "digest": str,
    "ids": list,
    "refs": list,
    "shown": str,
    "mapped": str,
}


def _is_listing(entry: dict[str, Any]) -> bool:
    """Whether ``entry`` is a listing taken back from the previous build (which has
    ``ids``), not a domain's data (which has ``atoms``)."""
    return "ids" in entry


def _listing(entry: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The listing of a domain entry, its pieces and their JSON (see :data:`_LISTING`)."""
    from .render import json_for_script, script_safe

    name = entry["name"]
    atoms = entry["atoms"]
    catalog = _compact(
        {
            **_without_bodies(entry),
            "pages": {
                "domain": f"domains/{name}/index.html",
                "atoms": f"domains/{name}/atoms.html",
                "data": f"domains/{name}/domain.json",
            },
        }
    )
    browse = {"n": name, "t": entry["title"], "d": entry["description"], "v": entry["version"], "tags": entry["tags"]}
    rows = [
        [
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
        for a in atoms
    ]
    pieces = {
        "summary": _summary(entry),
        "kinds": sorted({atom["kind"] for atom in atoms} | set(entry["kinds"])),
        "tags": entry["tags"],
        "axes": [[axis["id"], axis["values"]] for axis in entry["axes"]],
        "browse": json_for_script(browse),
        # each atom's row of the Browse data but its first item, the domain's place,
        # made safe at once (compact JSON has no line breaks)
        "rows": [row[1:] for row in script_safe("\n".join(map(_compact, rows))).split("\n")] if rows else [],
        "sitemap": [[atom["id"], atom["title"], atom["kind"]] for atom in atoms],
        "catalog": catalog,
    }
    text = _compact(pieces)
    listing = {
        "name": name,
        "version": entry.get("version"),
        "origin": entry.get("origin") or {},
        "digest": entry.get("digest") or _digest(entry),  # of its data: the same data renders the same pages
        "ids": [atom["id"] for atom in atoms],
        "refs": sorted({ref for atom in atoms for ref in atom["related"] if ref.startswith("@")}),
        "shown": digest(text.encode()),  # the Browse page and catalog.json are made of the pieces
        "mapped": _digest(entry.get("version"), pieces["sitemap"]),  # the sitemap of these alone
    }
    return listing, pieces, text


def _pieces_file(name: str) -> str:
    return f"domains/{name}/.pieces.json"


def _previous_listings(site: Site) -> dict[str, dict[str, Any]]:
    """The listings the previous build recorded, by domain name (a record of an
    older SDK has none: its domains are read again)."""
    found = {}
    for name, record in site.previous_section("domains").items():
        listing = record.get("listing") if isinstance(record, dict) else None
        if (
            isinstance(listing, dict)
            and listing.get("name") == name
            and _SLUG.match(name)
            and all(isinstance(listing.get(key), kind) for key, kind in _LISTING.items() if key != "version")
        ):
            found[name] = listing
    return found


def _domain_files(name: str, ids: list[str]) -> list[str]:
    base = f"domains/{name}"
    return [f"{base}/index.html", f"{base}/atoms.html", f"{base}/domain.json"] + [
        f"{base}/atoms/{atom}.html" for atom in ids
    ]


def _digest(*parts: Any) -> str:
    import hashlib

    return hashlib.blake2b(
        json.dumps(parts, sort_keys=True, separators=(",", ":")).encode(), digest_size=16
    ).hexdigest()


def _json_object(items: list[tuple[str, str]]) -> str:
    """A JSON object (as ``json.dumps`` writes it compact) of values already JSON text."""
    return "{" + ",".join(f"{json.dumps(key)}:{value}" for key, value in items) + "}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _render(
    site: Site,
    renderer: Renderer,
    theme: str,
    domains: list[dict[str, Any]],
    results: list[SourceResult],
    result: CatalogResult,
    progress: Progress,
    mapper: Mapper,
    batches: int,
    title: str,
    pieces: dict[str, Any],
) -> None:
    from .render import static_files

    listings: list[dict[str, Any]] = []
    texts: dict[str, str] = {}  # domain name -> the JSON of its pieces, when made here
    previous_state = site.previous_section("domains")
    previous_files = site.previous_files()
    state_domains: dict[str, Any] = {}
    work: list[tuple[dict[str, Any], dict[str, str]]] = []
    missing: set[str] = set()
    for entry in domains:
        if _is_listing(entry):
            listings.append(entry)
        else:
            listing, pieces[entry["name"]], texts[entry["name"]] = _listing(entry)
            listings.append(listing)
    ids = {listing["name"]: listing["ids"] for listing in listings}
    idsets = {name: set(values) for name, values in ids.items()}
    for entry, listing in zip(domains, listings, strict=True):
        name = listing["name"]
        resolved = [ref for ref in listing["refs"] if _resolve(ref, idsets)]
        record = previous_state.get(name)
        if not isinstance(record, dict):  # (the manifest is read from disk: anything)
            record = {}
        key = _digest(theme, listing["digest"], resolved)
        files = _domain_files(name, listing["ids"])
        state_domains[name] = {"content": listing["digest"], "render": key, "listing": listing}
        if record.get("render") == key and (_is_listing(entry) or site.still_there(files)):
            site.keep(files)  # (a listing is taken back only when every page of it is still there)
        else:
            full = _full_entry(site, name) if _is_listing(entry) else entry
            if full is None:
                # its data file was changed by hand: left out now, its source read again next time
                del state_domains[name]
                missing.add(name)
                continue
            previous = {relative: previous_files[relative] for relative in files if relative in previous_files}
            work.append((full, previous))
        if _is_listing(entry):
            site.keep([_pieces_file(name)])  # (read back, the same)
        else:
            site.write(_pieces_file(name), texts[name])
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
        listings = [listing for listing in listings if listing["name"] not in missing]
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

    # the pages about every domain, each made again only when what it is made of
    # changed (the listings say), and then from the domains' pieces alone
    for relative, data in static_files().items():
        site.write(relative, data)
    previous_pages = site.previous_section("pages")
    pages_state: dict[str, str] = {}

    def page(relative: str, key: str, make: Callable[[], str]) -> None:
        pages_state[relative] = key
        if previous_pages.get(relative) == key and site.still_there([relative]):
            site.keep([relative])
        else:
            site.write(relative, make())

    def parts() -> list[dict[str, Any]]:
        """Every listed domain's pieces, in order (those read back parsed now)."""
        for listing in listings:
            if isinstance(pieces[listing["name"]], bytes):
                pieces[listing["name"]] = json.loads(pieces[listing["name"]])  # (checked by its digest)
        return [pieces[listing["name"]] for listing in listings]

    problems = result.rejections
    pages = ["index.html", "sitemap.html", "problems.html"] + [
        relative
        for listing in listings
        for relative in _domain_files(listing["name"], listing["ids"])
        if relative.endswith(".html")
    ]

    def browse() -> str:
        every = parts()
        axes: dict[str, set[str]] = {}
        for each in every:
            for axis, values in each["axes"]:
                axes.setdefault(axis, set()).update(values)
        data = _json_object(
            [
                ("domains", "[" + ",".join(each["browse"] for each in every) + "]"),
                (
                    "atoms",
                    "[" + ",".join(f"[{index},{row}" for index, each in enumerate(every) for row in each["rows"]) + "]",
                ),
            ]
        )
        return renderer.page(
            "browse",
            root="",
            domains=[each["summary"] for each in every],
            atom_total=sum(len(listing["ids"]) for listing in listings),
            kinds=sorted({kind for each in every for kind in each["kinds"]}),
            tags=sorted({tag for each in every for tag in each["tags"]}),
            axes=[(a, sorted(v)) for a, v in sorted(axes.items())],
            data=data,
            problems=problems,
        )

    def sitemap() -> str:
        rows = [
            (listing["name"], listing["version"], each["sitemap"])
            for listing, each in zip(listings, parts(), strict=True)
        ]
        return renderer.page("sitemap", root="", domains=rows, pages=len(pages), problems=len(problems))

    def catalog() -> str:
        # compact: json's C encoder does not indent, and 10,000 atoms take it 1 s more
        items = [
            ("format", "1"),
            ("generator", _compact(f"skillwiki-sdk {__version__}")),
            ("domains", "[" + ",".join(each["catalog"] for each in parts()) + "]"),
            ("problems", _compact(problems)),
            ("duplicates", _compact(result.duplicates)),
            ("pages", _compact(pages)),
        ]
        return _json_object(items) + "\n"

    shown = [listing["shown"] for listing in listings]
    page("index.html", _digest(theme, shown, problems), browse)
    # the sitemap lists names and titles only: unchanged by most edits, and 10,000 links to render
    mapped = [(listing["name"], listing["mapped"]) for listing in listings]
    page("sitemap.html", _digest(theme, mapped, len(pages), len(problems)), sitemap)
    page(
        "problems.html",
        _digest(theme, problems, result.duplicates),
        lambda: renderer.page("problems", root="", problems=problems, duplicates=result.duplicates),
    )
    page("catalog.json", _digest(theme, shown, problems, result.duplicates), catalog)
    sources_state = {found.key: found.to_dict() for found in results if found.fingerprint}
    site.finish(
        {
            "generator": f"skillwiki-sdk {__version__}",
            "theme": theme,
            "sources": sources_state,
            "domains": state_domains,
            "pages": pages_state,
        }
    )
    result.domains = [listing["name"] for listing in listings]
    result.atoms = sum(len(listing["ids"]) for listing in listings)
    result.pages = len(pages)
    result.written, result.unchanged, result.removed = site.written, site.unchanged, site.removed
    result.ignored = sorted(site.ignored)


def _without_bodies(entry: dict[str, Any]) -> dict[str, Any]:
    """A domain entry as catalog.json has it: without the atoms' bodies, and without
    the digest of its data that the build keys its pages by (an edit of a body does
    not change catalog.json)."""
    light = {key: value for key, value in entry.items() if key != "digest"}
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
