"""When a contact person is erased from the register (GDPR), the invitations
that copied their name and address forget them too: the organisation stays
invited, without a person (and without an address, unless one is given
again)."""

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from meetings.models import Invitation
from register.models import Contact


@receiver(pre_delete, sender=Contact, dispatch_uid="meetings.contact_erased")
def contact_erased(sender: type[Contact], instance: Contact, **kwargs: Any) -> None:
    invitations = Invitation.objects.filter(contact=instance)
    invitations.filter(sent_sequence__lt=0).exclude(
        delivery=Invitation.Delivery.NO_ADDRESS
    ).update(delivery=Invitation.Delivery.NO_ADDRESS)
    invitations.update(name="", email="")
