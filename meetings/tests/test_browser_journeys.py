"""The meetings' whole journey in a real Chromium, with axe-core on every
page: a coordinator plans a scoping meeting and invites five organisations;
one declines by its link, without an account; the meeting is held, its
attendance and minutes recorded and approved, two actions assigned; their
owner finds them under "my actions" and marks one done; the other falls
overdue and its owner is reminded exactly once."""

import datetime
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.testing import PASSWORD
from meetings.models import Action, Invitation, Meeting, Minutes
from meetings.tasks import send_reminders
from register import services as register_services
from register.tests.factories import make_contact, make_organisation
from register.tests.test_browser_journeys import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGANISATIONS = (
    ("CPAS de Liège", "CPASL", "cpas@example.org"),
    ("Centre régional de Verviers pour l'intégration", "CRVI", "crvi@example.org"),
    ("Croix-Rouge, maison d'accueil de Namur", "CRNA", "croix@example.org"),
    ("Forem, direction régionale de Liège", "FOREML", "forem@example.org"),
    ("Fedasil, centre de Bierset", "FEDB", "fedasil@example.org"),
)


def sign_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(lambda url: "connexion" in url or urlsplit(url).path == "/")


def test_a_scoping_meeting_from_invitation_to_reminder(page):
    call_command("load_reference", stdout=StringIO())
    User.objects.create_user(
        "claire.coord@example.org",
        PASSWORD,
        role=Role.COORDINATOR,
        full_name="Claire Coord",
    )
    fanny = User.objects.create_user(
        "fanny.focal@example.org",
        PASSWORD,
        role=Role.FOCAL_POINT,
        full_name="Fanny Focale",
    )
    organisations = []
    for name, acronym, email in ORGANISATIONS:
        organisation = make_organisation(name, acronym=acronym)
        make_contact(
            organisation, f"Contact {acronym}", email=email, is_focal_point=True
        )
        organisations.append(organisation)
    register_services.membership_add(user=fanny, organisation=organisations[0])

    # The coordinator plans the meeting for tomorrow and invites five organisations.
    sign_in(page, "claire.coord@example.org")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Réunions"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réunions")
    assert_accessible(page)
    page.get_by_role("link", name="Planifier une réunion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planifier une réunion")
    assert_accessible(page)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Titre").fill("Cadrage du mécanisme de coordination")
    page.get_by_label("Type").select_option("scoping")
    page.get_by_label("Début").fill(f"{tomorrow:%Y-%m-%d}T09:30")
    page.get_by_label("Fin").fill(f"{tomorrow:%Y-%m-%d}T12:00")
    page.get_by_label(re.compile(r"^Lieu\W")).fill("Namur, Espace Wallonie")
    page.get_by_label("Ordre du jour").fill(
        "Tour de table | | 60\nOrientations | OIM | 45"
    )
    for number, (_name, acronym, _email) in enumerate(ORGANISATIONS, start=1):
        page.get_by_label(
            f"Organisations invitées, organisation {number}", exact=True
        ).fill(acronym)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cadrage du mécanisme de coordination"
    )
    assert_accessible(page)
    meeting = Meeting.objects.get()
    assert meeting.invitations.count() == 5
    expect(
        page.get_by_text("0 acceptée(s), 0 déclinée(s), 5 sans réponse.")
    ).to_be_visible()
    assert len(mail.outbox) == 5
    assert set(Invitation.objects.values_list("delivery", flat=True)) == {"sent"}

    # The Red Cross declines by the link in its e-mail, without an account.
    sign_out(page)
    (message,) = [m for m in mail.outbox if m.to == ["croix@example.org"]]
    link = re.search(r"https?://\S+/reunions/reponse/\S+/", str(message.body))
    assert link is not None
    page.goto(urlsplit(link.group()).path)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cadrage du mécanisme de coordination"
    )
    assert_accessible(page)
    page.get_by_label("Je ne participerai pas").check()
    page.get_by_label("Message à l'organisateur (facultatif)").fill(
        "Déjà pris ce jour-là."
    )
    page.get_by_role("button", name="Répondre").click()
    expect(page.get_by_text("Merci : votre réponse est enregistrée")).to_be_visible()
    assert_accessible(page)
    assert Invitation.objects.get(email="croix@example.org").answer == "declined"

    # The meeting takes place (time passes: it started an hour ago).
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    sign_in(page, "claire.coord@example.org")
    page.goto(meeting.get_absolute_url())
    expect(
        page.get_by_text("0 acceptée(s), 1 déclinée(s), 4 sans réponse.")
    ).to_be_visible()
    page.get_by_role("link", name="Relever les présences").click()
    assert_accessible(page)
    for number in range(1, 6):
        presence = page.get_by_label(f"Présence {number}", exact=True)
        if not presence.input_value():
            presence.select_option("present")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Les présences sont enregistrées.")).to_be_visible()
    assert_accessible(page)
    assert Meeting.objects.get(pk=meeting.pk).status == "held"

    page.get_by_role("link", name="Rédiger le procès-verbal").click()
    assert_accessible(page)
    page.get_by_label("Procès-verbal").fill(
        "Chaque organisation présente son offre.\n\nUn comité de pilotage sera proposé."
    )
    page.get_by_role("button", name="Enregistrer le projet").click()
    expect(page.get_by_text("Projet de procès-verbal enregistré")).to_be_visible()
    page.get_by_role("button", name="Approuver cette version").click()
    expect(page.get_by_text("Le procès-verbal est approuvé")).to_be_visible()
    assert_accessible(page)
    assert Minutes.objects.get().status == "approved"

    # Two actions for Fanny, of the CPAS.
    for title, due in (
        ("Recenser les places d'hébergement", tomorrow + datetime.timedelta(days=20)),
        ("Envoyer la liste des contacts", tomorrow + datetime.timedelta(days=2)),
    ):
        page.get_by_role("link", name="Assigner une action").click()
        assert_accessible(page)
        page.get_by_label(re.compile(r"^Action\W")).fill(title)
        page.get_by_label("Organisation responsable").fill("CPASL")
        page.get_by_label("Personne responsable").select_option(label="Fanny Focale")
        page.get_by_label("Échéance").fill(f"{due:%Y-%m-%d}")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_text(f"L'action « {title} » est assignée.")).to_be_visible()
    assert Action.objects.filter(owner=fanny).count() == 2
    assert_accessible(page)
    sign_out(page)

    # Fanny finds them under "my actions" and marks one done.
    sign_in(page, "fanny.focal@example.org")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Réunions"
    ).click()
    page.get_by_role("link", name="Mes actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes actions")
    assert_accessible(page)
    expect(
        page.get_by_role("link", name="Recenser les places d'hébergement")
    ).to_be_visible()
    page.get_by_role("link", name="Envoyer la liste des contacts").click()
    assert_accessible(page)
    page.get_by_label("Statut").select_option("done")
    page.get_by_label("Note d'avancement").fill("Liste envoyée au SPW.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L'action est mise à jour.")).to_be_visible()
    assert_accessible(page)
    assert Action.objects.get(title="Envoyer la liste des contacts").status == "done"

    # The other one falls overdue; the daily task runs twice: one reminder.
    Action.objects.filter(title="Recenser les places d'hébergement").update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    sent_before = len(mail.outbox)
    send_reminders.call()
    send_reminders.call()
    reminders = [m for m in mail.outbox[sent_before:] if m.to == [fanny.email]]
    assert len(reminders) == 1
    assert "Recenser les places d'hébergement" in str(reminders[0].body)
    assert "En retard" in str(reminders[0].body)
    assert "Envoyer la liste des contacts" not in str(reminders[0].body)
