"""Writes to the questionnaires; the pages, the API and the commands call
these."""

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from consultations.models import Questionnaire
from consultations.xlsform import Form


@transaction.atomic
def questionnaire_import(
    *, form: Form, by: User | None, key: str = ""
) -> Questionnaire:
    """A questionnaire from a checked form: the next version of `key` (or of
    the form's id, or of its title) when that questionnaire exists."""
    key = slugify(key or form.form_id or form.title)[:100] or "questionnaire"
    last = (
        Questionnaire.objects.select_for_update()
        .filter(key=key)
        .order_by("-version")
        .first()
    )
    return Questionnaire.objects.create(
        key=key,
        version=last.version + 1 if last else 1,
        title=" ".join(form.title.split())[:255],
        default_language=form.default_language[:60],
        languages=form.languages,
        definition=form.definition,
        question_count=form.question_count,
        created_by=by,
    )
