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


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-3])
@pytest.mark.parametrize("option", ["--untranslated", "--only-fuzzy"])
def test_every_entry_is_translated(catalogue, option):
    msgattrib = shutil.which("msgattrib")
    assert msgattrib, "GNU gettext is needed to build the translations"
    result = subprocess.run(  # noqa: S603 - a gettext tool on our own file
        [msgattrib, option, "--no-obsolete", str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    )
    entries = [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
    # The header's empty msgid is the only entry allowed.
    assert entries in ([], ['msgid ""']), result.stdout[:2000]
