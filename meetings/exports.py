"""Files of the meetings: the minutes as PDF (WeasyPrint) and DOCX
(python-docx), the actions as XLSX. Each is small and written at once, in
memory; none fetches anything (the minutes' HTML holds no image or style
sheet, and any address in it is refused)."""

import datetime
import io
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.spreadsheets import XlsxWriter
from meetings.access import person_shown
from meetings.models import Action, Meeting, Minutes

# The most actions one spreadsheet holds.
ACTIONS_MAX = 50_000


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"Nothing is fetched while writing the minutes ({url}).")


def _attendance(meeting: Meeting, shown: set[int] | None) -> list[tuple[str, str, str]]:
    """Who attended: organisation, person (named only to those who may see
    that organisation's people, see access.people_shown), presence."""
    return [
        (
            str(row.organisation),
            row.name if person_shown(shown, row.organisation_id) else "",
            row.get_presence_display(),
        )
        for row in meeting.attendance.select_related("organisation")
    ]


def minutes_pdf(meeting: Meeting, minutes: Minutes, *, shown: set[int] | None) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = render_to_string(
        "meetings/minutes_document.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "agenda": list(meeting.agenda.all()),
            "attendance": _attendance(meeting, shown),
            "decisions": list(meeting.decisions.all()),
        },
    )  # fmt: skip
    content: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return content


class _DocxWriter(HTMLParser):
    """The minutes' few elements as Word paragraphs: headings, paragraphs,
    lists, bold, italics, underline, links as their text, tables as rows of
    text."""

    HEADINGS = {"h2": 2, "h3": 3, "h4": 4}

    def __init__(self, document: Any) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph: Any = None
        self.styles: list[str] = []
        self.lists: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.table_rows: list[list[str]] | None = None

    def _paragraph(self, style: str | None = None) -> Any:
        self.paragraph = self.document.add_paragraph(style=style)
        return self.paragraph

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HEADINGS:
            self.paragraph = self.document.add_heading(level=self.HEADINGS[tag])
        elif tag in {"p", "blockquote"}:
            self._paragraph("Quote" if tag == "blockquote" else None)
        elif tag in {"ul", "ol"}:
            self.lists.append(tag)
        elif tag == "li":
            self._paragraph(
                "List Number" if self.lists[-1:] == ["ol"] else "List Bullet"
            )
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        elif tag in {"strong", "b", "em", "i", "u", "s"}:
            self.styles.append(tag)
        elif tag == "table":
            self.table_rows = []
        elif tag == "tr" and self.table_rows is not None:
            self.row = []
        elif tag in {"td", "th"} and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"strong", "b", "em", "i", "u", "s"} and tag in self.styles:
            self.styles.remove(tag)
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        elif tag in {"p", "li", "blockquote", *self.HEADINGS}:
            self.paragraph = None
        elif tag in {"td", "th"} and self.row is not None and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.table_rows is not None and self.row is not None:
            self.table_rows.append(self.row)
            self.row = None
        elif tag == "table" and self.table_rows is not None:
            rows, self.table_rows = self.table_rows, None
            width = max((len(row) for row in rows), default=0)
            if width:
                table = self.document.add_table(rows=len(rows), cols=width)
                table.style = "Table Grid"
                for r, row in enumerate(rows):
                    for c, text in enumerate(row):
                        table.cell(r, c).text = text

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
            return
        if not data.strip() and self.paragraph is None:
            return
        paragraph = self.paragraph or self._paragraph()
        run = paragraph.add_run(data)
        run.bold = "strong" in self.styles or "b" in self.styles or None
        run.italic = "em" in self.styles or "i" in self.styles or None
        run.underline = "u" in self.styles or None
        run.font.strike = "s" in self.styles or None


def minutes_docx(
    meeting: Meeting, minutes: Minutes, *, shown: set[int] | None
) -> bytes:
    from docx import Document as WordDocument

    document = WordDocument()
    document.core_properties.title = meeting.title
    document.add_heading(meeting.title, level=1)
    start = timezone.localtime(meeting.starts_at)
    document.add_paragraph(
        _("Procès-verbal, version %(number)s (%(status)s) — réunion du %(date)s")
        % {
            "number": minutes.number,
            "status": minutes.get_status_display(),
            "date": start.strftime("%d/%m/%Y %H:%M"),
        }
    )
    attendance = _attendance(meeting, shown)
    if attendance:
        document.add_heading(_("Présences"), level=2)
        for organisation, person, presence in attendance:
            document.add_paragraph(
                f"{organisation}{' — ' + person if person else ''} : {presence}",
                style="List Bullet",
            )
    document.add_heading(_("Procès-verbal"), level=2)
    writer = _DocxWriter(document)
    writer.feed(minutes.text)
    writer.close()
    decisions = list(meeting.decisions.all())
    if decisions:
        document.add_heading(_("Décisions"), level=2)
        for decision in decisions:
            document.add_paragraph(
                _("Décision n° %(number)s") % {"number": decision.number}
                + f" — {decision.text}",
                style="List Bullet",
            )
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def actions_xlsx(
    actions: Iterable[Action],
    *,
    today: datetime.date,
    meetings_shown: set[int] | None,
) -> bytes:
    """The actions; a meeting's title only where the reader sees the meeting
    (`meetings_shown`: their ids, None for all)."""
    output = io.BytesIO()
    with XlsxWriter(output) as workbook:
        sheet = workbook.add_sheet(
            _("Actions"),
            header=[
                _("Action"),
                _("Organisation responsable"),
                _("Personne responsable"),
                _("Échéance"),
                _("Statut"),
                _("En retard"),
                _("Réunion"),
                _("Organe"),
                _("Thème"),
                _("Description"),
                _("Terminée le"),
            ],
            widths=[40, 32, 24, 12, 12, 10, 32, 32, 20, 50, 18],
        )
        for action in actions:
            sheet.write_row(
                [
                    action.title,
                    str(action.owner_organisation),
                    str(action.owner) if action.owner_id else "",
                    action.due_date,
                    action.get_status_display(),
                    _("oui") if action.is_open and action.due_date < today else "",
                    action.meeting.title  # type: ignore[union-attr]
                    if action.meeting_id is not None
                    and (meetings_shown is None or action.meeting_id in meetings_shown)
                    else "",
                    action.body.name if action.body_id else "",  # type: ignore[union-attr]
                    action.theme.name if action.theme_id else "",  # type: ignore[union-attr]
                    action.description,
                    action.done_at,
                ]
            )
        sheet.autofilter()
    return output.getvalue()
