"""Plain-language text on the page: markdown rendered on the server and sanitised, and the grey captions.

Scenario names, experiment descriptions and sweep reports are text a participant
or a file controls, and the page shows them as HTML. So everything goes
through `sanitise` (the Ammonia sanitiser, via nh3): no scripts, no event
handlers, no links other than http(s) and relative ones, no images (a remote
one would leak who looks; a relative one would not load here anyway).
"""

from __future__ import annotations

import functools
import html

import markdown
import nh3
import solara

CAPTION_STYLE = "color: #555555; font-size: 0.9em; margin: 0 0 8px 0;"
TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td"}

_CLEANER = nh3.Cleaner(
    tags=nh3.ALLOWED_TAGS - {"img", "area", "map"},  # images would be fetched; image maps carry links
    attributes={
        **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag not in {"img", "area", "map"}},
        **{tag: set(nh3.ALLOWED_ATTRIBUTES.get(tag, ())) | {"style"} for tag in TABLE_TAGS},
    },
    filter_style_properties={"text-align", "padding", "border-bottom", "white-space"},  # tables' alignment only
    url_schemes={"http", "https"},  # relative links stay; javascript:, data:, mailto: and the rest go
)


def sanitise(fragment: str) -> str:
    """`fragment` with only harmless HTML left: what the page may put in an element's innerHTML."""
    return _CLEANER.clean(fragment)


@functools.lru_cache(maxsize=1024)  # captions repeat at every render; converting and sanitising them does not need to
def markdown_html(text: str, escape: bool = True) -> str:
    """Markdown to sanitised HTML on the server. (solara.Markdown would load mermaid from a CDN: not offline.)

    `escape` first turns any HTML in `text` into text; `escape=False` (a sweep's report.md) keeps the
    harmless part of it.
    """
    if escape:
        text = html.escape(text, quote=False)
    return sanitise(markdown.markdown(text, extensions=["tables"]))


@solara.component
def Md(text: str, style: str = "", classes: list[str] = [], escape: bool = True):
    """Markdown rendered to sanitised HTML (no JavaScript, nothing fetched)."""
    solara.HTML(tag="div", unsafe_innerHTML=markdown_html(text, escape), style=style, classes=classes)


@solara.component
def Html(fragment: str, classes: list[str] = []):
    """HTML built on the server (e.g. a table), sanitised like markdown."""
    solara.HTML(tag="div", unsafe_innerHTML=sanitise(fragment), classes=classes)


@solara.component
def Caption(text: str):
    """The grey explanation under a panel, in plain words for participants."""
    Md(text, style=CAPTION_STYLE, classes=["orgsim-caption"])
