"""The catalogue of the SDK's own finding codes.

Codes are stable: a code once published keeps its meaning. ``SW1xx`` manifest,
``SW2xx`` atoms, ``SW3xx`` cross-references, ``SW4xx`` packaging and versions,
``SW5xx`` files and YAML, ``SW6xx`` changes between two releases (compat).
"""

from __future__ import annotations

from .model import Rule, Severity

__all__ = ["RULES", "by_code"]

E = Severity.ERROR
W = Severity.WARNING

# Manifest (domain.yaml)
MANIFEST_MISSING = Rule("SW101", E, "manifest-missing", "The bundle has no domain.yaml")
MANIFEST_REQUIRED = Rule("SW102", E, "manifest-missing-key", "A required key of domain.yaml is missing")
MANIFEST_UNKNOWN_KEY = Rule(
    "SW103",
    E,
    "manifest-unknown-key",
    "domain.yaml has a key the format does not define (use an x- prefix for extensions)",
)
MANIFEST_INVALID = Rule(
    "SW104", E, "manifest-invalid-value", "A value in domain.yaml has the wrong type or breaks its rule"
)
SCHEMA_TOO_NEW = Rule(
    "SW105", E, "schema-too-new", "domain.yaml declares a format version newer than this skillwiki-sdk understands"
)
VERSION_INVALID = Rule("SW106", E, "version-invalid", "The domain's version is not a PEP 440 version")
REQUIRES_SDK_INVALID = Rule("SW107", E, "requires-sdk-invalid", "requires-sdk is not a PEP 440 specifier set")
REQUIRES_SDK_UNSATISFIED = Rule(
    "SW108", E, "requires-sdk-unsatisfied", "This skillwiki-sdk does not satisfy the domain's requires-sdk"
)
UNUSED_TAG = Rule("SW110", W, "unused-tag", "A tag of the vocabulary is used by no atom")
UNUSED_AXIS_VALUE = Rule("SW111", W, "unused-axis-value", "A value of a retrieval axis is used by no atom")
NO_ATOMS = Rule("SW112", W, "no-atoms", "The bundle has no atoms")

# Atoms
ATOM_REQUIRED = Rule("SW201", E, "atom-missing-key", "A required key of an atom's frontmatter is missing")
ATOM_UNKNOWN_KEY = Rule(
    "SW202",
    E,
    "atom-unknown-key",
    "An atom's frontmatter has a key the format does not define (use an x- prefix for extensions)",
)
ATOM_INVALID = Rule(
    "SW203", E, "atom-invalid-value", "A value in an atom's frontmatter has the wrong type or breaks its rule"
)
ID_MISMATCH = Rule("SW204", E, "id-mismatch", "An atom's id differs from its file name")
DUPLICATE_ID = Rule("SW205", E, "duplicate-id", "Two atoms of the domain have the same id")
UNKNOWN_KIND = Rule("SW206", E, "unknown-kind", "An atom's kind is not one of the domain's kinds")
UNKNOWN_TAG = Rule("SW207", E, "unknown-tag", "An atom's tag is not in the domain's tag vocabulary")
UNKNOWN_AXIS = Rule("SW208", E, "unknown-axis", "An atom names an axis the domain does not declare")
UNKNOWN_AXIS_VALUE = Rule("SW209", E, "unknown-axis-value", "An atom names a value its axis does not declare")
EMPTY_BODY = Rule("SW210", E, "empty-body", "An atom has no Markdown body after its frontmatter")
STRAY_FILE = Rule("SW211", W, "stray-file", "A file under atoms/ is not an atom (.md) and is ignored")
SUPPRESSION_INVALID = Rule(
    "SW212",
    W,
    "suppression-invalid",
    "An atom's x-skillwiki-ignore entry is not a known code or prefix and suppresses nothing",
)

# Cross-references
DANGLING_RELATED = Rule("SW301", E, "dangling-related", "A related id names no atom of the domain")
SELF_RELATED = Rule("SW302", W, "self-related", "An atom lists itself as related")
UNKNOWN_DOMAIN_RELATED = Rule(
    "SW303", W, "unknown-domain-related", "A related link names a domain that is not installed"
)
DANGLING_EXTERNAL_RELATED = Rule(
    "SW304", E, "dangling-external-related", "A related link names an atom that its installed domain does not have"
)
ALIAS_CONFLICT = Rule(
    "SW305", E, "alias-conflict", "An atom's alias is another atom's id or alias, so a link to it would be ambiguous"
)

# Packaging and versions (wheels, sdists, installed plugins)
ARCHIVE_UNREADABLE = Rule("SW401", E, "archive-unreadable", "A wheel or sdist cannot be read as a zip or tar archive")
UNSAFE_MEMBER = Rule(
    "SW402", E, "unsafe-archive-member", "An archive member has an absolute path or '..' and the archive is refused"
)
NO_ENTRY_POINT = Rule("SW403", E, "no-entry-point", "The distribution declares no entry point in the group 'skillwiki'")
BUNDLE_NOT_PACKAGED = Rule(
    "SW404", E, "bundle-not-packaged", "The bundle's files are not inside the built distribution"
)
VERSION_MISMATCH = Rule("SW405", E, "version-mismatch", "The domain's version differs from its distribution's version")
NO_SDK_DEPENDENCY = Rule(
    "SW406", E, "no-sdk-dependency", "The distribution's metadata does not declare a dependency on skillwiki-sdk"
)
METADATA_INVALID = Rule(
    "SW407", E, "metadata-invalid", "The distribution's core metadata is missing or cannot be parsed"
)
PLUGIN_CHECK_FAILED = Rule(
    "SW408",
    E,
    "plugin-check-failed",
    "A check of an installed plugin raised an exception, so the bundle was not fully checked",
)

# Files and YAML
UNREADABLE = Rule("SW501", E, "unreadable-file", "A file cannot be read")
NOT_UTF8 = Rule("SW502", E, "not-utf8", "A file is not UTF-8 text")
YAML_SYNTAX = Rule("SW503", E, "yaml-syntax", "YAML that does not parse")
DUPLICATE_KEY = Rule("SW504", E, "duplicate-key", "A mapping has the same key twice")
UNSAFE_TAG = Rule(
    "SW505", E, "unsafe-yaml-tag", "A YAML tag that safe loading does not allow (such as !!python/object)"
)
NO_FRONTMATTER = Rule("SW506", E, "no-frontmatter", "An atom file does not start with a --- frontmatter line")
UNCLOSED_FRONTMATTER = Rule("SW507", E, "unclosed-frontmatter", "An atom's frontmatter has no closing --- line")
NON_STRING_KEY = Rule("SW508", E, "non-string-key", "A mapping key that YAML reads as something other than text")
LIMIT_EXCEEDED = Rule(
    "SW509", E, "limit-exceeded", "A file crosses a size or complexity limit that no honest bundle reaches"
)
OUTSIDE_BUNDLE = Rule("SW510", E, "outside-bundle", "A link inside the bundle points outside it and is not followed")
NOT_A_FILE = Rule("SW511", E, "not-a-file", "A path named like an atom or manifest is not a regular file")
INTERNAL_ERROR = Rule(
    "SW599", E, "internal-error", "Validating a path raised an unexpected error; the other paths were still validated"
)

# Releases (skillwiki compat NEW --against OLD): what changed. The severity is the
# default; a change is an error whenever the version bump made does not cover it.
COMPAT_UNREADABLE = Rule(
    "SW600",
    E,
    "release-unreadable",
    "A release given to compat is not one readable domain (no bundle, several, or two different domains)",
)
DOMAIN_RENAMED = Rule("SW601", E, "domain-renamed", "Breaking: the domain's name changed")
ATOM_REMOVED = Rule("SW602", E, "atom-removed", "Breaking: an atom was removed")
ATOM_RENAMED = Rule(
    "SW603",
    E,
    "atom-renamed",
    "Breaking: an atom's id is gone and a new atom has its body or summary: a rename without an alias",
)
KIND_CHANGED = Rule("SW604", E, "kind-changed", "Breaking: an atom's kind changed")
TAG_REMOVED = Rule("SW605", E, "tag-removed", "Breaking: a tag was removed from the domain's vocabulary")
AXIS_REMOVED = Rule("SW606", E, "axis-removed", "Breaking: a retrieval axis was removed")
AXIS_VALUE_REMOVED = Rule("SW607", E, "axis-value-removed", "Breaking: a value was removed from a retrieval axis")
KIND_REMOVED = Rule("SW608", E, "kind-removed", "Breaking: a kind was removed from the domain's kinds")
DEPRECATED_REMOVED = Rule(
    "SW609",
    W,
    "deprecated-atom-removed",
    "Retirement: an atom that the release before deprecated was removed (a minor bump)",
)
ATOM_ADDED = Rule("SW610", W, "atom-added", "Addition: an atom was added")
TAG_ADDED = Rule("SW611", W, "tag-added", "Addition: a tag was added to the vocabulary")
AXIS_ADDED = Rule("SW612", W, "axis-added", "Addition: a retrieval axis was added")
AXIS_VALUE_ADDED = Rule("SW613", W, "axis-value-added", "Addition: a value was added to a retrieval axis")
KIND_ADDED = Rule("SW614", W, "kind-added", "Addition: a kind was added to the domain's kinds")
ATOM_DEPRECATED = Rule("SW615", W, "atom-deprecated", "Addition: an atom was marked deprecated (announces its removal)")
ATOM_ALIASED = Rule("SW616", W, "atom-renamed-with-alias", "Edit: an atom was renamed and keeps its old id as an alias")
SUMMARY_CHANGED = Rule("SW620", W, "summary-changed", "Edit: an atom's summary changed")
BODY_CHANGED = Rule("SW621", W, "body-changed", "Edit: an atom's body changed")
TITLE_CHANGED = Rule("SW622", W, "title-changed", "Edit: an atom's title changed")
QUALITY_CHANGED = Rule("SW623", W, "quality-changed", "Edit: an atom's quality changed")
ATOM_TAGS_CHANGED = Rule("SW624", W, "atom-tags-changed", "Edit: an atom's tags changed")
ATOM_AXES_CHANGED = Rule("SW625", W, "atom-axes-changed", "Edit: an atom's axis values changed")
RELATED_CHANGED = Rule("SW626", W, "related-changed", "Edit: an atom's related links changed")
SOURCES_CHANGED = Rule("SW627", W, "sources-changed", "Edit: an atom's sources changed")
DESCRIPTION_CHANGED = Rule("SW628", W, "description-changed", "Edit: the domain's description changed")
MANIFEST_CHANGED = Rule(
    "SW629",
    W,
    "manifest-changed",
    "Edit: another key changed (title, authors, license or homepage of domain.yaml, an axis's description, an atom's "
    "deprecation notice)",
)
REQUIRES_SDK_NARROWED = Rule(
    "SW630", W, "requires-sdk-narrowed", "Edit: requires-sdk accepts fewer skillwiki-sdk versions than before"
)
REQUIRES_SDK_CHANGED = Rule(
    "SW631", W, "requires-sdk-changed", "Edit: requires-sdk changed and accepts every version it did"
)
BUMP_TOO_SMALL = Rule(
    "SW640",
    E,
    "bump-too-small",
    "The version bump does not cover the changes (breaking needs major, or minor below 1.0; an addition minor; an "
    "edit patch)",
)
VERSION_UNUSABLE = Rule(
    "SW641",
    E,
    "version-unusable",
    "A release's version is missing, not PEP 440, or lower than the baseline's, so the bump cannot be judged",
)

RULES: tuple[Rule, ...] = tuple(value for value in list(globals().values()) if isinstance(value, Rule))


def by_code() -> dict[str, Rule]:
    """The SDK's rules by code."""
    return {rule.code: rule for rule in RULES}
