"""A response as a document: the respondent's copy of their answers as PDF
(WeasyPrint, nothing fetched)."""

from typing import Any

from django.template.loader import render_to_string


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"Nothing is fetched while writing a copy of answers ({url}).")


def answers_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string("consultations/answers_document.html", context)
    content: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return content


def results_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("consultations/results_document.html", context)
    content: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return content
