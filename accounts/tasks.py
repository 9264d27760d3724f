"""The accounts' background tasks: e-mails, built and sent by the worker."""

import datetime
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from lib.jobs import retry_later

# An SMTP server that is down gets this many attempts, a minute apart, then two,
# three… (about a quarter of an hour in all).
EMAIL_ATTEMPTS = 5
EMAIL_RETRY_DELAY = datetime.timedelta(minutes=1)

RESET_SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
RESET_BODY_TEMPLATE = "registration/password_reset_email.txt"


@task
def send_password_reset_email(
    *, user_id: int, domain: str, protocol: str, language: str, attempt: int = 1
) -> str:
    """Build and send the link to choose a new password. The link's token is made
    here, from the account as it is now, so that it is never stored in the queue;
    an account deactivated meanwhile gets nothing."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return "skipped"
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(language):
        subject = "".join(render_to_string(RESET_SUBJECT_TEMPLATE, context).split("\n"))
        body = render_to_string(RESET_BODY_TEMPLATE, context)
    message = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        retry_later(
            send_password_reset_email,
            kwargs={
                "user_id": user_id,
                "domain": domain,
                "protocol": protocol,
                "language": language,
            },
            attempt=attempt,
            max_attempts=EMAIL_ATTEMPTS,
            error=error,
            delay=EMAIL_RETRY_DELAY,
        )
    return "sent"
