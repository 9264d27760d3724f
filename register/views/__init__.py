"""The register's HTML pages: thin adapters between forms, access helpers,
selectors and services, one module per kind of object."""

from register.views.assessments import assessment_create, assessment_list
from register.views.communes import commune_detail
from register.views.contacts import contact_create, contact_erase, contact_update
from register.views.organisations import (
    organisation_archive,
    organisation_create,
    organisation_detail,
    organisation_history,
    organisation_list,
    organisation_restore,
    organisation_revert,
    organisation_suggestions,
    organisation_update,
)
from register.views.relations import relation_create, relation_delete, relation_update
from register.views.services import (
    service_create,
    service_delete,
    service_detail,
    service_list,
    service_update,
    subtheme_options,
)

__all__ = [
    "assessment_create",
    "assessment_list",
    "commune_detail",
    "contact_create",
    "contact_erase",
    "contact_update",
    "organisation_archive",
    "organisation_create",
    "organisation_detail",
    "organisation_history",
    "organisation_list",
    "organisation_restore",
    "organisation_revert",
    "organisation_suggestions",
    "organisation_update",
    "relation_create",
    "relation_delete",
    "relation_update",
    "service_create",
    "service_delete",
    "service_detail",
    "service_list",
    "service_update",
    "subtheme_options",
]
