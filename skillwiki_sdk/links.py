"""Links between domains: ``@other-domain/id`` in an atom's ``related``.

A bundle alone cannot tell whether such a link resolves: that needs the other
domains. Whoever has them passes them in (the registry the domains it loaded,
``validate(path, registry=...)`` the registry it was given), as a mapping of domain
name to the ids it answers to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from . import rules
from .model import Bundle, Finding

__all__ = ["EXTERNAL", "external_findings", "external_links", "parse_ref"]

EXTERNAL = re.compile(r"^@([a-z0-9]+(?:-[a-z0-9]+)*)/(.+)$")


def parse_ref(text: str) -> tuple[str, str] | None:
    """``(domain, id)`` of ``@domain/id``, or ``None`` for anything else."""
    match = EXTERNAL.match(text)
    return (match.group(1), match.group(2)) if match else None


def external_links(bundle: Bundle) -> Iterator[tuple[int, int, str, str, str]]:
    """(atom index, link index, text, domain, id) of every link of ``bundle`` that
    names a domain."""
    for number, atom in enumerate(bundle.atoms):
        for index, target in enumerate(atom.related):
            if target.startswith("@"):
                ref = parse_ref(target)
                if ref is not None:
                    yield number, index, target, ref[0], ref[1]


def external_findings(
    bundle: Bundle,
    known: Mapping[str, set[str]],
    *,
    unknown_domains: bool = True,
    left_out: Mapping[str, str] | None = None,
) -> Iterator[Finding]:
    """``@other-domain/id`` links of ``bundle`` checked against ``known`` (domain →
    ids); a link to a domain not in ``known`` is SW303 only with ``unknown_domains``,
    and says why for a domain in ``left_out`` (installed, but left out of the
    registry: domain → the reason). A link to the bundle's own domain is checked
    against its own atoms."""
    own = bundle.domain.name if bundle.domain else None
    own_ids: set[str] | None = None
    for number, index, target, domain, atom_id in external_links(bundle):
        atom = bundle.atoms[number]
        if domain == own:
            if own_ids is None:
                own_ids = bundle.atom_ids() | bundle.unloaded_ids
            ids = own_ids
        elif domain in known:
            ids = known[domain]
        else:
            if unknown_domains:
                why = left_out.get(domain) if left_out else None
                if why is None:
                    said = "not installed"
                    hint = f"install the plugin that provides '{domain}' to check this link (skillwiki list shows what "
                    hint += "is installed)"
                else:
                    said = f"installed but was left out: {why:.200}"
                    hint = f"the link is checked once '{domain}' loads (skillwiki list says what keeps it out)"
                yield rules.UNKNOWN_DOMAIN_RELATED.finding(
                    f"related link '{target}' names domain '{domain}', which is {said}",
                    file=atom.source,
                    path=("related", index),
                    hint=hint,
                )
            continue
        if atom_id not in ids:
            yield rules.DANGLING_EXTERNAL_RELATED.finding(
                f"related link '{target}' names atom '{atom_id}', which domain '{domain}' does not have",
                file=atom.source,
                path=("related", index),
                hint=f"fix the id; 'skillwiki show {domain}' lists that domain",
            )
