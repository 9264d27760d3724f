"""The minutes' rich text: a few HTML elements, cleaned by nh3 (Ammonia)
whatever is sent, and plain text turned into paragraphs."""

import html
import re

import nh3

from lib.text import REFUSED_IN_TEXT

TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "ul", "ol", "li",
    "h2", "h3", "h4", "blockquote", "a", "table", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def rich_text_clean(text: str) -> str:
    """Safe HTML: the allowed elements only, links to http(s) and mailto only,
    no control character; a text without any tag becomes paragraphs (a blank
    line between two) with its line breaks."""
    text = text.strip()
    if not text:
        return ""
    if not _TAG.search(text):
        paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
        text = "".join(
            "<p>" + html.escape(paragraph.strip()).replace("\n", "<br>") + "</p>"
            for paragraph in paragraphs
            if paragraph.strip()
        )
    clean = nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # A character reference (&#x1;) passes the form's check of control
    # characters and comes out of nh3 as the character: drop it.
    return REFUSED_IN_TEXT.sub("", clean)
