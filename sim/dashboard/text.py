"""Plain-language text on the page: markdown rendered on the server, and the grey captions under each panel."""

from __future__ import annotations

import solara

CAPTION_STYLE = "color: #555555; font-size: 0.9em; margin: 0 0 8px 0;"


def markdown_html(text: str, escape: bool = True) -> str:
    """Markdown to HTML on the server. (solara.Markdown would load mermaid from a CDN: not offline.)"""
    import html

    import markdown

    if escape:
        text = html.escape(text, quote=False)
    return markdown.markdown(text, extensions=["tables"])


@solara.component
def Md(text: str, style: str = "", classes: list[str] = [], escape: bool = True):
    """Markdown rendered to plain HTML (no JavaScript, nothing fetched)."""
    solara.HTML(tag="div", unsafe_innerHTML=markdown_html(text, escape), style=style, classes=classes)


@solara.component
def Caption(text: str):
    """The grey explanation under a panel, in plain words for participants."""
    Md(text, style=CAPTION_STYLE, classes=["orgsim-caption"])
