"""Register endpoints: organisations, contacts, services, relations, assessments.

Thin adapters, with the permissions of the HTML pages: each endpoint fetches
through `register.access`, turns the codes and ids of the body into objects
(`RegisterRefs`, which gathers every unknown one into a single 422), calls one
function of `register.services` and answers the object as stored. Vocabulary
values are their codes, communes their NIS codes, organisations their ids.
"""

from ninja import Router

from lib.problems import conflict_schema
from register.api import assessments, contacts, organisations, relations, services
from register.models import Contact, Organisation, Relation, Service
from register.schemas import ContactOut

router = Router()
for resource in (organisations, contacts, services, relations, assessments):
    router.add_router("", resource.router)

# What a 409 shows: the object as stored now.
conflict_schema(Organisation, organisations.organisation_out)
conflict_schema(Contact, ContactOut.from_orm)
conflict_schema(Service, services.service_out)
conflict_schema(Relation, relations.relation_out)
