"""Checks of domain.yaml that a schema cannot express: format and PEP 440 versions."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from .. import __version__, rules
from ..hookspecs import hookimpl
from ..model import Bundle, Check, Finding, check

SUPPORTED_SCHEMA = 1


@check(rules.SCHEMA_TOO_NEW, rules.VERSION_INVALID, rules.REQUIRES_SDK_INVALID, rules.REQUIRES_SDK_UNSATISFIED)
def manifest_versions(bundle: Bundle) -> Iterator[Finding]:
    """The format version, the domain's version and requires-sdk."""
    domain = bundle.domain
    if domain is None:
        return
    from packaging.version import Version

    schema = domain.schema
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SUPPORTED_SCHEMA:
        yield rules.SCHEMA_TOO_NEW.finding(
            f"this bundle is written in format version {schema}, but skillwiki-sdk {__version__} understands version "
            f"{SUPPORTED_SCHEMA} only",
            file=domain.source,
            path=("schema",),
            hint="upgrade skillwiki-sdk: pip install --upgrade skillwiki-sdk",
        )
    if domain.version is not None:
        try:
            Version(domain.version)
        except ValueError:  # InvalidVersion, or a number of more digits than Python reads
            shown = domain.version if len(domain.version) <= 60 else domain.version[:57] + "..."
            yield rules.VERSION_INVALID.finding(
                f"version '{shown}' is not a PEP 440 version",
                file=domain.source,
                path=("version",),
                hint='use a version such as "1.0.0", "1.2rc1" or "2.0.post1"',
            )
    if domain.requires_sdk is not None:
        allowed = _sdk_allowed(domain.requires_sdk)
        if allowed is None:
            yield rules.REQUIRES_SDK_INVALID.finding(
                "requires-sdk "
                f"'{domain.requires_sdk if len(domain.requires_sdk) <= 60 else domain.requires_sdk[:57] + '...'}' is "
                "not a PEP 440 specifier set",
                file=domain.source,
                path=("requires-sdk",),
                hint='write it like ">=0.1,<0.2"',
            )
        elif not allowed:
            yield rules.REQUIRES_SDK_UNSATISFIED.finding(
                f"this domain requires skillwiki-sdk {domain.requires_sdk}, but this is skillwiki-sdk {__version__}",
                file=domain.source,
                path=("requires-sdk",),
                hint="install a skillwiki-sdk that matches, or widen requires-sdk if the domain works with this one",
            )


@functools.lru_cache(maxsize=64)
def _sdk_allowed(requires: str) -> bool | None:
    """Whether this SDK satisfies the specifier set ``requires``; None when it is not
    one. Once per text: installed domains mostly share the same few."""
    from packaging.specifiers import SpecifierSet

    try:
        return SpecifierSet(requires).contains(__version__, prereleases=True)
    except ValueError:  # InvalidSpecifier, or a version of more digits than Python reads
        return None


@hookimpl
def skillwiki_checks() -> list[Check]:
    return [manifest_versions]
