"""Every interface string is translated: a missing or fuzzy entry would show French."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_catalogue_for_every_language_but_french():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert languages == {code for code, _ in settings.LANGUAGES} - {"fr"}


# Ukrainian and Russian cover what displaced people read: the texts of these
# files. Elsewhere a missing translation shows French.
PUBLIC_LANGUAGES = {"uk", "ru"}
PUBLIC_SOURCES = (
    "templates/base.html",
    "templates/403.html",
    "templates/404.html",
    "templates/413.html",
    "consultations/templates/consultations/answer/",
    "consultations/templates/consultations/email/",
    "consultations/templates/consultations/answers_document.html",
    "consultations/engine.py",
    "consultations/filling.py",
    "consultations/views.py",
)


def _lacking(catalogue: Path, option: str) -> list[str]:
    """The entries msgattrib finds (untranslated or fuzzy), each with its
    reference comments, the header left out."""
    msgattrib = shutil.which("msgattrib")
    assert msgattrib, "GNU gettext is needed to build the translations"
    result = subprocess.run(  # noqa: S603 - a gettext tool on our own file
        [msgattrib, option, "--no-obsolete", str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        block
        for block in result.stdout.split("\n\n")
        if "msgid " in block and "Content-Type: text/plain" not in block
    ]


def _public(block: str) -> bool:
    references = [
        reference.rsplit(":", 1)[0]
        for line in block.splitlines()
        if line.startswith("#: ")
        for reference in line[3:].split()
    ]
    return any(reference.startswith(PUBLIC_SOURCES) for reference in references)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-3])
@pytest.mark.parametrize("option", ["--untranslated", "--only-fuzzy"])
def test_every_entry_is_translated(catalogue, option):
    lacking = _lacking(catalogue, option)
    if catalogue.parts[-3] in PUBLIC_LANGUAGES:
        lacking = [block for block in lacking if _public(block)]
    assert lacking == [], "\n\n".join(lacking)[:2000]
