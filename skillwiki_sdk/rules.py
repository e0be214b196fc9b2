"""The catalogue of the SDK's own finding codes.

Codes are stable: a code once published keeps its meaning. ``SW1xx`` manifest,
``SW2xx`` atoms, ``SW3xx`` cross-references, ``SW4xx`` packaging and versions,
``SW5xx`` files and YAML.
"""

from __future__ import annotations

from .model import Rule, Severity

__all__ = ["RULES", "by_code"]

E = Severity.ERROR
W = Severity.WARNING

# Manifest (domain.yaml)
MANIFEST_MISSING = Rule("SW101", E, "manifest-missing", "The bundle has no domain.yaml")
MANIFEST_REQUIRED = Rule("SW102", E, "manifest-missing-key", "A required key of domain.yaml is missing")
MANIFEST_UNKNOWN_KEY = Rule("SW103", E, "manifest-unknown-key", "domain.yaml has a key the format does not define (use an x- prefix for extensions)")
MANIFEST_INVALID = Rule("SW104", E, "manifest-invalid-value", "A value in domain.yaml has the wrong type or breaks its rule")
SCHEMA_TOO_NEW = Rule("SW105", E, "schema-too-new", "domain.yaml declares a format version newer than this skillwiki-sdk understands")
VERSION_INVALID = Rule("SW106", E, "version-invalid", "The domain's version is not a PEP 440 version")
REQUIRES_SDK_INVALID = Rule("SW107", E, "requires-sdk-invalid", "requires-sdk is not a PEP 440 specifier set")
REQUIRES_SDK_UNSATISFIED = Rule("SW108", E, "requires-sdk-unsatisfied", "This skillwiki-sdk does not satisfy the domain's requires-sdk")
UNUSED_TAG = Rule("SW110", W, "unused-tag", "A tag of the vocabulary is used by no atom")
UNUSED_AXIS_VALUE = Rule("SW111", W, "unused-axis-value", "A value of a retrieval axis is used by no atom")
NO_ATOMS = Rule("SW112", W, "no-atoms", "The bundle has no atoms")

# Atoms
ATOM_REQUIRED = Rule("SW201", E, "atom-missing-key", "A required key of an atom's frontmatter is missing")
ATOM_UNKNOWN_KEY = Rule("SW202", E, "atom-unknown-key", "An atom's frontmatter has a key the format does not define (use an x- prefix for extensions)")
ATOM_INVALID = Rule("SW203", E, "atom-invalid-value", "A value in an atom's frontmatter has the wrong type or breaks its rule")
ID_MISMATCH = Rule("SW204", E, "id-mismatch", "An atom's id differs from its file name")
DUPLICATE_ID = Rule("SW205", E, "duplicate-id", "Two atoms of the domain have the same id")
UNKNOWN_KIND = Rule("SW206", E, "unknown-kind", "An atom's kind is not one of the domain's kinds")
UNKNOWN_TAG = Rule("SW207", E, "unknown-tag", "An atom's tag is not in the domain's tag vocabulary")
UNKNOWN_AXIS = Rule("SW208", E, "unknown-axis", "An atom names an axis the domain does not declare")
UNKNOWN_AXIS_VALUE = Rule("SW209", E, "unknown-axis-value", "An atom names a value its axis does not declare")
EMPTY_BODY = Rule("SW210", E, "empty-body", "An atom has no Markdown body after its frontmatter")
STRAY_FILE = Rule("SW211", W, "stray-file", "A file under atoms/ is not an atom (.md) and is ignored")
SUPPRESSION_INVALID = Rule("SW212", W, "suppression-invalid", "An atom's x-skillwiki-ignore entry is not a known code or prefix and suppresses nothing")

# Cross-references
DANGLING_RELATED = Rule("SW301", E, "dangling-related", "A related id names no atom of the domain")
SELF_RELATED = Rule("SW302", W, "self-related", "An atom lists itself as related")
UNKNOWN_DOMAIN_RELATED = Rule("SW303", W, "unknown-domain-related", "A related link names a domain that is not installed")
DANGLING_EXTERNAL_RELATED = Rule("SW304", E, "dangling-external-related", "A related link names an atom that its installed domain does not have")

# Packaging and versions (wheels, sdists, installed plugins)
ARCHIVE_UNREADABLE = Rule("SW401", E, "archive-unreadable", "A wheel or sdist cannot be read as a zip or tar archive")
UNSAFE_MEMBER = Rule("SW402", E, "unsafe-archive-member", "An archive member has an absolute path or '..' and the archive is refused")
NO_ENTRY_POINT = Rule("SW403", E, "no-entry-point", "The distribution declares no entry point in the group 'skillwiki'")
BUNDLE_NOT_PACKAGED = Rule("SW404", E, "bundle-not-packaged", "The bundle's files are not inside the built distribution")
VERSION_MISMATCH = Rule("SW405", E, "version-mismatch", "The domain's version differs from its distribution's version")
NO_SDK_DEPENDENCY = Rule("SW406", E, "no-sdk-dependency", "The distribution's metadata does not declare a dependency on skillwiki-sdk")
METADATA_INVALID = Rule("SW407", E, "metadata-invalid", "The distribution's core metadata is missing or cannot be parsed")
PLUGIN_CHECK_FAILED = Rule("SW408", E, "plugin-check-failed", "A check of an installed plugin raised an exception, so the bundle was not fully checked")

# Files and YAML
UNREADABLE = Rule("SW501", E, "unreadable-file", "A file cannot be read")
NOT_UTF8 = Rule("SW502", E, "not-utf8", "A file is not UTF-8 text")
YAML_SYNTAX = Rule("SW503", E, "yaml-syntax", "YAML that does not parse")
DUPLICATE_KEY = Rule("SW504", E, "duplicate-key", "A mapping has the same key twice")
UNSAFE_TAG = Rule("SW505", E, "unsafe-yaml-tag", "A YAML tag that safe loading does not allow (such as !!python/object)")
NO_FRONTMATTER = Rule("SW506", E, "no-frontmatter", "An atom file does not start with a --- frontmatter line")
UNCLOSED_FRONTMATTER = Rule("SW507", E, "unclosed-frontmatter", "An atom's frontmatter has no closing --- line")
NON_STRING_KEY = Rule("SW508", E, "non-string-key", "A mapping key that YAML reads as something other than text")
LIMIT_EXCEEDED = Rule("SW509", E, "limit-exceeded", "A file crosses a size or complexity limit that no honest bundle reaches")
OUTSIDE_BUNDLE = Rule("SW510", E, "outside-bundle", "A link inside the bundle points outside it and is not followed")
NOT_A_FILE = Rule("SW511", E, "not-a-file", "A path named like an atom or manifest is not a regular file")
INTERNAL_ERROR = Rule("SW599", E, "internal-error", "Validating a path raised an unexpected error; the other paths were still validated")

RULES: tuple[Rule, ...] = tuple(value for value in list(globals().values()) if isinstance(value, Rule))


def by_code() -> dict[str, Rule]:
    """The SDK's rules by code."""
    return {rule.code: rule for rule in RULES}
