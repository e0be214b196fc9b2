"""What the consumer commands (``atoms``, ``show NAME/ID``, ``match``) share: the
installed domains, ``--axis AXIS=VALUE`` options, and text fit for a terminal."""

from __future__ import annotations

import os
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` without control characters (escape sequences of atom text or of a
    brief must not reach a terminal); newlines and tabs are kept."""
    return _CONTROL.sub("", text)


def installed(registry: Any, name: str, missing: str = "no installed domain named") -> Any:
    """The installed domain ``name``, or :class:`NotFoundError` saying why not
    (``missing`` begins the message for a name no plugin claims)."""
    from ..errors import NotFoundError

    entry = registry.get(name)
    if entry is not None:
        return entry
    for problem in registry.problems:
        if problem.domain == name:
            raise NotFoundError(
                f"domain '{name}' of {problem.distribution} {problem.version} is installed but was left out "
                f"({problem.stage}: {problem.reason}); {problem.action}"
            )
    from ..query import closest

    known = ", ".join(sorted(registry.domains)) or "none installed"
    hint = closest(name, registry.domains) if registry.domains else ""
    raise NotFoundError(
        f"{missing} '{clean(name)}' (installed: {known})" + (f"; {hint}" if hint.startswith("did") else "")
    )


def axis_options(items: list[str] | None) -> dict[str, list[str]]:
    """``--axis AXIS=VALUE`` options as axis -> values (one axis given twice: either value)."""
    from ..errors import UsageError

    axes: dict[str, list[str]] = {}
    for item in items or ():
        axis, sep, value = item.partition("=")
        if not sep or not axis.strip() or not value.strip():
            raise UsageError(f"--axis takes AXIS=VALUE, for example --axis layer=data (not {clean(item)!r})")
        axes.setdefault(axis.strip(), []).append(value.strip())
    return axes


def width(out: Any) -> int:
    """The width to wrap text to: the terminal's (at most 100), or 88 when not on one."""
    import shutil

    if getattr(out.stdout, "isatty", lambda: False)():
        return max(40, min(100, shutil.get_terminal_size((88, 24)).columns))
    columns = os.environ.get("COLUMNS", "")
    return max(40, min(100, int(columns))) if columns.isdigit() else 88


def cache_folder() -> str | None:
    """Where the match index is kept: the cache folder of the checked bundles
    (``SKILLWIKI_CACHE_DIR``, else the platform's); ``None`` with ``SKILLWIKI_NO_CACHE=1``."""
    from ..cache import default_folder, disabled

    return None if disabled() else default_folder()


def atom_fields(atom: Any) -> dict[str, Any]:
    """The fields of an atom that every consumer command's JSON gives."""
    return {
        "id": atom.id,
        "ref": atom.ref,
        "kind": atom.kind,
        "title": atom.title,
        "summary": atom.summary or "",
        "tags": list(atom.tags),
        "axes": {axis: list(values) for axis, values in atom.axes.items()},
        "quality": atom.quality,
    }
