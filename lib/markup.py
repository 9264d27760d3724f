"""HTML written in Python where the template engine costs too much."""

from html import escape as escape_text
from typing import Any


def escape(text: Any) -> str:
    """Escape like the template engine: HTML already marked safe is kept, any
    other value is turned into text and escaped (quotes included)."""
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return escape_text(str(text))
