"""``skillwiki match BRIEF``: the domains a free-text brief signals, and the atoms
that answer it best."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from ..cache import Cache
    from ..cli import Output
    from ..match import MatchIndex, MatchResult

SUMMARY = "match a free-text brief to domains and atoms"


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= number <= 1000:
        raise argparse.ArgumentTypeError(f"must be 1 to 1000, not {number}")
    return number


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "match",
        help=SUMMARY,
        description="Match BRIEF (free text; '-' reads it from stdin) against the installed domains: the domains "
        "whose tag vocabulary and atoms it signals, with the words that matched, then the atoms that answer it best. "
        "Exit 0 with results, 1 when nothing matches, 2 for an empty brief or a bad option. The index is built once "
        "and kept in the cache folder (SKILLWIKI_CACHE_DIR; SKILLWIKI_NO_CACHE=1 builds it each time).",
    )
    parser.add_argument("brief", metavar="BRIEF")
    parser.add_argument("--top", type=_positive, default=10, metavar="N", help="how many atoms (default: 10)")
    parser.add_argument("--domain", action="append", metavar="D", help="match only in this domain (repeatable)")
    parser.add_argument(
        "--axis", action="append", metavar="AXIS=VALUE", help="only atoms with this value on this axis (repeatable)"
    )
    parser.add_argument("--explain", action="store_true", help="say why each result ranks where it does")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def _read_stdin(chars: int) -> str:
    """At most about ``chars`` characters of standard input, in its encoding; a byte
    not of that encoding is U+FFFD (a brief piped from a file of another encoding is
    still words), never an error."""
    import sys

    stream = sys.stdin
    if stream is None:
        return ""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a text stream of a host's (no bytes under it)
        return str(stream.read(chars))
    raw: bytes = buffer.read(chars * 4)  # (no character takes more than 4 bytes)
    return raw.decode(getattr(stream, "encoding", None) or "utf-8", "replace")[:chars]


def run(args: argparse.Namespace, out: Output) -> int:
    from ..errors import UsageError
    from ..escapes import decoded
    from ..match import BRIEF_CHARS, match
    from ..query import QueryError
    from ._consumers import axis_options, clean

    brief = args.brief
    cut = False  # whether standard input held more than was read
    if brief == "-":
        brief = _read_stdin(BRIEF_CHARS * 4 + 1)
        cut = len(brief) > BRIEF_CHARS * 4
    brief = decoded(brief)
    if not brief.strip():
        raise UsageError(
            "the brief is empty; say what you are working on, for example: "
            "skillwiki match 'our checkout spans three services'"
        )
    axes = axis_options(args.axis)
    index, left_out = _index(out, args.domain or [])
    try:
        result = match(index, brief, top=args.top, domains=args.domain, axes=axes)
    except QueryError as error:
        raise UsageError(clean(str(error))) from error
    if args.format == "json":
        import json

        document = result.to_dict(explain=args.explain)
        if len(document["brief"]) > BRIEF_CHARS:
            document["brief"] = document["brief"][:BRIEF_CHARS]
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(clean(_text(result, args.explain, out.color())))
    for note in result.notes:
        if args.explain and note.startswith("signal words"):
            continue  # said in the explanation
        if cut and note.startswith("the brief is "):  # (its length is not known: it was not all read)
            note = (
                f"the brief is more than {BRIEF_CHARS * 4:,} characters long; only its first {BRIEF_CHARS:,} were read"
            )
        out.note(f"skillwiki: {clean(note)}")
    if left_out:
        out.note(
            f"skillwiki: not matched against, as their plugins did not load: {clean(', '.join(left_out))} "
            "('skillwiki list' says why)"
        )
    if not result.domains:
        if not any("no words" in note for note in result.notes):
            out.note(
                "skillwiki: nothing matches this brief; try other words, or see the domains' vocabularies with "
                "'skillwiki show NAME'"
            )
        return 1
    if not result.atoms:
        out.note(
            "skillwiki: no atom of the signalled domains matches (with these --axis filters)"
            if axes
            else "skillwiki: no atom matches"
        )
        return 1
    return 0


def _index(out: Output, wanted: list[str]) -> tuple[MatchIndex, list[str]]:
    """The match index of the installed domains.

    Kept in the cache under the token of the discovery's snapshot (see
    :mod:`skillwiki_sdk.snapshot`): while the snapshot holds, its head names the
    token and the index is read without making the registry (10,000 atoms' objects
    are not made, no atom is read). Missing, the registry is discovered and the index
    taken from :func:`cached_index` (kept under the domains' fingerprint) and kept
    under the token of the registry's snapshot. With no snapshot (the cache off, a
    bundle in a zip), :func:`cached_index` alone."""
    from ..match import cached_index

    kept = _kept(out)
    token = kept.token_of_head() if kept is not None and out.nothing_loaded() else None
    if token is not None and kept is not None and kept.names_all(wanted):
        index = kept.read(token, kept.names)
        if index is not None:
            return index, kept.left_out
    from ._consumers import cache_folder, installed

    found = out.registry()
    for name in wanted:
        installed(found, name)
    if not found.domains:
        from ..errors import NotFoundError

        raise NotFoundError("no domains installed to match against (pip install a skillwiki-<domain> plugin)")
    left_out = sorted({problem.domain or problem.distribution for problem in found.problems})
    if kept is None or found.snapshot is None:
        return cached_index(found.domains, cache_folder()), left_out
    index = kept.read(found.snapshot, set(found.domains))
    if index is None:
        # (an environment that changed elsewhere has a new snapshot, not new domains:
        # the index kept under their fingerprint is read, not built again)
        index = cached_index(found.domains, cache_folder())
        kept.keep(found.snapshot, index)
    return index, left_out


class _Kept:
    """The match index kept under a snapshot's token, in the cache of this command."""

    def __init__(self, cache: Cache) -> None:
        from ..cache import Cache
        from ..snapshot import name

        self.cache = cache
        self.store = Cache(cache.folder, kind="match")
        self.name = "index " + name()
        self.names: set[str] = set()
        self.left_out: list[str] = []  # the domains (or distributions) discovery left out

    def token_of_head(self) -> str | None:
        """The token of the snapshot's head while it holds (and the domains it lists)."""
        from ..snapshot import environment_key, load

        key = self.cache.memo["environment"] = environment_key()  # once: discovery uses it too
        head = load(self.cache, key)
        if head is None:
            return None
        listing = head["listing"]  # of the shape Registry.listing() gives: load() checked it (sound_listing)
        self.names = {entry["name"] for entry in listing["domains"]}
        self.left_out = sorted({problem["domain"] or problem["distribution"] for problem in listing["problems"]})
        return cast("str", head["body"])  # load() checked that it is text

    def names_all(self, wanted: list[str]) -> bool:
        """Whether the head lists domains, and every one of ``wanted`` (else the
        registry says why not)."""
        return bool(self.names) and all(name in self.names for name in wanted)

    def _key(self, token: str) -> str:
        from ..cache import digest
        from ..match import analysis

        return digest([analysis(), token])

    def read(self, token: str, names: set[str]) -> MatchIndex | None:
        """The index kept under ``token``, if it is sound and of the domains ``names``."""
        from ..match import MatchIndex

        data = self.store.get(self.name, self._key(token))
        if data is None:
            return None
        try:
            index = MatchIndex.from_dict(data)
        except ValueError:
            return None  # damaged: built again
        return index if set(index.domains) == names else None  # (of other domains: damaged too)

    def keep(self, token: str, index: MatchIndex) -> None:
        self.store.put(self.name, self._key(token), index.to_dict())


def _kept(out: Output) -> _Kept | None:
    cache = out.cache()
    return _Kept(cache) if cache is not None else None


def _one_line(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(result: MatchResult, explain: bool, color: bool) -> str:
    bold, dim, reset = ("\033[1m", "\033[2m", "\033[0m") if color else ("", "", "")
    lines = [f"brief: {_one_line(result.brief)}", ""]
    if not result.domains:
        return "\n".join(lines + ["no domain matches"]) + "\n"
    lines.append(f"{bold}Domains{reset}")
    name_width = max(len(d.name) for d in result.domains)
    for d in result.domains:
        if d.signals:
            signals = ", ".join(d.signals)
        else:  # no tag of its vocabulary met: say what did bring it
            signals = f"- (no tag; words met in its atoms: {', '.join(d.words)})" if d.words else "-"
        lines.append(f"  {d.name:<{name_width}}  {d.score:7.2f}  signals: {signals}")
        if explain:
            lines.append(
                f"    {dim}vocabulary {d.tag_score:.2f} · text {d.text_score:.2f} · best atom {d.atom_score:.2f}{reset}"
            )
            if d.words:
                lines.append(f"    {dim}words met in its atoms and manifest: {', '.join(d.words)}{reset}")
            for word, tags in d.tags.items():
                lines.append(f"    {dim}'{word}' met the tag{'s' if len(tags) > 1 else ''} {', '.join(tags)}{reset}")
            for word, names in d.shared.items():
                lines.append(
                    f"    {dim}'{word}' is shared with {', '.join(n for n in names if n != d.name)}: "
                    f"it counts 1/{len(names)}{reset}"
                )
    lines += ["", f"{bold}Atoms{reset}"]
    if not result.atoms:
        lines.append("  none")
    ref_width = max((len(a.ref) for a in result.atoms), default=0)
    for rank, a in enumerate(result.atoms, 1):
        lines.append(f"  {rank:>2}. {a.ref:<{ref_width}}  {a.score:7.2f}  {a.kind or '?'}: {a.title}")
        if explain:
            fields = "; ".join(f"{name}: {', '.join(found)}" for name, found in a.fields.items())
            lines.append(f"      {dim}text {a.text:.2f} ({fields}){reset}")
            parts = []
            if a.lifts:
                parts.append("axis lift for " + ", ".join(a.lifts))
            if a.quality is not None:
                parts.append(f"quality {a.quality:.1f}")
            parts.append(f"domain factor {a.domain_factor:.2f}")
            lines.append(f"      {dim}{' · '.join(parts)}{reset}")
    if explain:
        for note in result.notes:
            if note.startswith("signal words"):
                lines += ["", f"{dim}{note}{reset}"]
    lines += ["", "one atom: skillwiki show DOMAIN/ID"]
    return "\n".join(lines) + "\n"
