"""The catalog's pages: templates, Markdown and the sanitiser.

Atom text is untrusted: it comes from anyone who uploads a wheel. Three layers
keep it from running in a reader's browser:

- templates are Jinja2 with autoescape on for every template, so that a title,
  summary, tag or source is text wherever it lands, in an element or an attribute;
- a body is rendered by cmark-gfm (through ``cmarkgfm``) in its safe mode, which
  leaves out raw HTML and blanks ``javascript:``-like links, and the result is then
  cleaned by ammonia (through ``nh3``) with an allow-list of tags and attributes,
  ``http``/``https`` the only URL schemes and relative URLs denied;
- every page carries a Content-Security-Policy that allows scripts only from the
  catalog's own file and nothing from the network, and the data a page's script
  reads is JSON in a ``<script type="application/json">`` element, escaped so that
  no ``</script>`` can close it.

Nothing here prints, exits or starts a process.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from typing import Any

from .. import __version__

__all__ = [
    "MissingDependency",
    "Renderer",
    "external_url",
    "json_for_script",
    "markdown_to_html",
    "require_libraries",
    "script_safe",
    "static_files",
    "theme_key",
]

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "templates")
STATIC = os.path.join(HERE, "static")
EXTRA = "skillwiki-sdk[catalog]"

# What a body may use once rendered: the HTML that Markdown makes, no more.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "samp",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}


class MissingDependency(Exception):
    """The catalog's optional libraries are not installed."""


def require_libraries() -> tuple[Any, Any, Any]:
    """The modules jinja2, cmarkgfm and nh3; :class:`MissingDependency` (which says
    how to install them) when one is missing."""
    try:
        import cmarkgfm
        import jinja2
        import nh3
    except ImportError as error:
        raise MissingDependency(
            f"skillwiki catalog needs {error.name or 'its libraries'} (Jinja2, cmarkgfm and nh3): "
            f"install them with pip install '{EXTRA}'"
        ) from error
    return jinja2, cmarkgfm, nh3


@functools.lru_cache(maxsize=1)
def _cleaner() -> Any:
    _, _, nh3 = require_libraries()
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        url_relative="deny",
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
        allowed_classes={"code": {f"language-{name}" for name in _LANGUAGES}, "a": {"image-link"}},
    )


_LANGUAGES = (
    "python",
    "js",
    "javascript",
    "ts",
    "typescript",
    "json",
    "yaml",
    "toml",
    "sh",
    "bash",
    "shell",
    "sql",
    "go",
    "rust",
    "java",
    "c",
    "cpp",
    "html",
    "css",
    "text",
    "console",
    "diff",
    "ini",
    "xml",
    "kotlin",
    "ruby",
    "php",
)

_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"(?: title="[^"]*")? />')
_HEADING = re.compile(r"<(/?)h([1-6])>")


def markdown_to_html(text: str, *, top: int = 2) -> str:
    """A Markdown body as safe HTML: rendered by cmark-gfm, then sanitised.

    Images become links to them (a catalog loads nothing from the network); headings
    are renumbered to start at ``h{top}`` and never skip a level, so that a page's
    outline stays in order whatever the body's author wrote.
    """
    _, cmarkgfm, _ = require_libraries()
    rendered = cmarkgfm.github_flavored_markdown_to_html(text)
    rendered = _IMAGE.sub(
        lambda m: f'<a class="image-link" href="{m.group(1)}">Image: {m.group(2) or m.group(1)}</a>', rendered
    )
    cleaned = _cleaner().clean(rendered)
    return _renumber(cleaned.replace("<p></p>", ""), top)


def _renumber(html: str, top: int) -> str:
    levels: list[int] = []  # the open headings' original levels, outermost first
    stack: list[int] = []

    def replace(match: re.Match[str]) -> str:
        closing, level = match.group(1), int(match.group(2))
        if closing:
            return f"</h{stack.pop() if stack else top}>"
        while levels and levels[-1] >= level:
            levels.pop()
        new = min(6, top + len(levels))
        levels.append(level)
        stack.append(new)
        return f"<h{new}>"

    return _HEADING.sub(replace, html)


def external_url(url: Any) -> str | None:
    """``url`` when it may be a link (http or https, no spaces or controls), else None."""
    if not isinstance(url, str):
        return None
    stripped = url.strip()
    if not re.match(r"^https?://[^\s\x00-\x1f\x7f<>\"'`]+$", stripped, re.I):
        return None
    return stripped


def json_for_script(data: Any) -> str:
    """``data`` as JSON that is safe inside ``<script type="application/json">``: no
    ``<``, ``>`` or ``&`` that could end the element or open a comment."""
    return script_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def script_safe(text: str) -> str:
    """JSON text made safe as :func:`json_for_script` makes it (character by
    character: the pieces of a text made safe make the whole text safe)."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def theme_key() -> str:
    """A digest of what shapes every page: templates, static files, this SDK's and the
    renderers' versions. A change re-renders every page."""
    from importlib.metadata import PackageNotFoundError, version

    sha = hashlib.sha256(__version__.encode())
    for folder in (TEMPLATES, STATIC):
        for name in sorted(os.listdir(folder)):
            sha.update(name.encode())
            with open(os.path.join(folder, name), "rb") as handle:
                sha.update(handle.read())
    for dist in ("jinja2", "cmarkgfm", "nh3"):
        try:
            sha.update(version(dist).encode())
        except PackageNotFoundError:
            pass
    return sha.hexdigest()[:32]


def static_files() -> dict[str, bytes]:
    """The files every catalog holds under ``assets/``."""
    files = {}
    for name in sorted(os.listdir(STATIC)):
        with open(os.path.join(STATIC, name), "rb") as handle:
            files[f"assets/{name}"] = handle.read()
    return files


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def _quality(value: Any) -> str:
    return f"q{value:.1f}" if isinstance(value, (int, float)) else ""


class Renderer:
    """The compiled templates of one build; renders each page to text."""

    def __init__(self, title: str = "Skill Wiki") -> None:
        self.env = _environment(title)

    def page(self, name: str, *, root: str, **context: Any) -> str:
        """The page ``name`` with ``root`` the relative path back to the site's top
        (its template compiled when first asked for: a rebuild needs few of them)."""
        text: str = self.env.get_template(f"{name}.html").render(root=root, **context)
        return text

    def body(self, text: str) -> Any:
        """An atom's body as markup for a template."""
        from markupsafe import Markup

        return Markup(markdown_to_html(text))  # noqa: S704 - markdown_to_html's output is sanitised by nh3


@functools.lru_cache(maxsize=4)
def _environment(title: str) -> Any:
    """The environment for a site called ``title``, once a process: it keeps the
    templates it compiled (compiling them costs more than rendering a small domain).
    The templates are the package's own files, which do not change while it runs."""
    jinja2, _, _ = require_libraries()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["count"] = _count
    env.filters["quality"] = _quality
    env.filters["external"] = external_url
    env.filters["nrelated"] = lambda related: related if isinstance(related, int) else len(related)
    env.globals["site_title"] = title
    env.globals["version"] = __version__
    return env
