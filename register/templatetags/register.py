"""Template tags and filters for the register's pages.

The tables of the busiest pages (the register list, an organisation's services
and relations, a commune's offer) write their rows here, in Python: through the
template engine, each cell cost as much as a database query, and a page has a
hundred and fifty of them.
"""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from lib.i18n import elide
from lib.markup import escape
from lib.urls import reverser
from register.area import AreaSummary
from register.models import Organisation, Service
from register.pages import RelationRow, ThemeOffer
from register.validators import normalise_enterprise_number

register = template.Library()

DASH = "—"


MUTED_DASH = f'<span class="muted">{DASH}</span>'


@register.filter
def enterprise_number(value: str) -> str:
    """'0123456749' → '0123.456.749', the way the BCE/KBO writes it."""
    digits = normalise_enterprise_number(value)
    if len(digits) != 10:
        return value
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def _status_badge(organisation: Organisation) -> str:
    # In the "organisation" context: Django's own catalogue would turn the
    # model's "active" into "actif".
    if organisation.status == Organisation.Status.ARCHIVED:
        label = pgettext("organisation", "archivée")
    else:
        label = pgettext("organisation", "active")
    return (
        f'<span class="badge badge-{escape(organisation.status)}">'
        f"{escape(label)}</span>"
    )


def _term_name(term: Any) -> str:
    """A term's name, or « à compléter » for an organisation that lacks it."""
    if term is None:
        label = escape(gettext("à compléter"))
        return f'<span class="badge badge-incomplete">{label}</span>'
    return str(escape(term.name))


@register.simple_tag
def status_badge(organisation: Organisation) -> SafeString:
    """An organisation's status as a badge: "active" or "archivée"."""
    return mark_safe(_status_badge(organisation))  # noqa: S308 - escaped above


@register.simple_tag
def organisation_rows(organisations: Iterable[Organisation]) -> SafeString:
    """The rows of the register list: name (and acronym), actor type, level,
    commune, number of services, status. Each organisation carries `page_url`,
    `commune_url` and `service_count` (pages.add_links, pages.with_service_count).
    """
    rows = []
    for organisation in organisations:
        acronym = (
            f' <span class="muted">({escape(organisation.acronym)})</span>'
            if organisation.acronym
            else ""
        )
        commune = (
            f'<a href="{escape(organisation.commune_url)}">'  # type: ignore[attr-defined]
            f"{escape(organisation.commune.name)}</a>"
            if organisation.commune is not None
            else MUTED_DASH
        )
        rows.append(
            "<tr>"
            f'<th scope="row"><a href="{escape(organisation.page_url)}">'  # type: ignore[attr-defined]
            f"{escape(organisation.name)}</a>{acronym}</th>"
            f"<td>{_term_name(organisation.actor_type)}</td>"
            f"<td>{_term_name(organisation.level)}</td>"
            f"<td>{commune}</td>"
            f"<td>{escape(organisation.service_count)}</td>"  # type: ignore[attr-defined]
            f"<td>{_status_badge(organisation)}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped above


@register.simple_tag
def relation_rows(
    relations: Iterable[RelationRow], organisation: Organisation
) -> SafeString:
    """The rows of an organisation's relations table: the relation read from its
    side, the other organisation, themes, frequency, formality, since when, who
    declared it, and the links to change it for those who may."""
    subject = escape(organisation.acronym or organisation.name)
    yes, no = escape(gettext("oui")), escape(gettext("non"))
    coordination = escape(gettext("la coordination"))
    edit, delete = escape(gettext("Modifier")), escape(gettext("Supprimer"))
    rows = []
    for row in relations:
        label, other = escape(row.label), escape(row.other)
        actions = ""
        if row.edit_url:
            hidden = f'<span class="visually-hidden"> {label} {other}</span>'
            actions = (
                f'<a href="{escape(row.edit_url)}">{edit}{hidden}</a> · '
                f'<a href="{escape(row.delete_url)}">{delete}{hidden}</a>'
            )
        since = row.since.strftime("%d/%m/%Y") if row.since else DASH
        rows.append(
            "<tr>"
            f"<td>{subject} {label}</td>"
            f'<th scope="row"><a href="{escape(row.other_url)}">{other}</a></th>'
            f"<td>{escape(row.themes or DASH)}</td>"
            f"<td>{escape(row.frequency or DASH)}</td>"
            f"<td>{yes if row.formal else no}</td>"
            f"<td>{since}</td>"
            f"<td>{escape(row.declared_by) if row.declared_by else coordination}</td>"
            f"<td>{actions}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped above


@register.simple_tag
def commune_offers(offers: Iterable[ThemeOffer], list_url: str, nis: str) -> SafeString:
    """A commune page's sections, one per theme: its name, its totals (none said
    plainly), its first current services, a link to the others in the register
    list (`list_url`, filtered by the commune `nis` and the theme), and apart,
    how many ended or suspended ones there are."""
    sections = []
    for offer in offers:
        code, name = escape(offer.theme.code), escape(offer.theme.name)
        if offer.service_count:
            totals = (
                escape(
                    ngettext(
                        "%(counter)s service en cours ou prévu",
                        "%(counter)s services en cours ou prévus",
                        offer.service_count,
                    )
                )
                % {"counter": offer.service_count}
                + " · "
                + escape(
                    ngettext(
                        "%(counter)s organisation",
                        "%(counter)s organisations",
                        offer.organisation_count,
                    )
                )
                % {"counter": offer.organisation_count}
            )
            listed = f"\n<ul>\n{_offer_items(offer.services)}\n</ul>"
        else:
            totals = escape(gettext("Aucun service en cours ou prévu n'est recensé."))
            listed = ""
        more = ""
        if offer.more:
            label = escape(
                ngettext(
                    "Voir l'autre service (%(theme)s) dans l'état des lieux",
                    "Voir les %(counter)s autres services (%(theme)s) dans l'état "
                    "des lieux",
                    offer.more,
                )
            ) % {"counter": offer.more, "theme": name}
            url = f"{escape(list_url)}?commune={escape(nis)}&amp;theme={code}"
            more = f'\n<p><a href="{url}">{label}</a></p>'
        ended = ""
        if offer.ended_count:
            ended = (
                '\n<p class="muted">'
                + escape(
                    ngettext(
                        "Et %(counter)s service terminé ou suspendu.",
                        "Et %(counter)s services terminés ou suspendus.",
                        offer.ended_count,
                    )
                )
                % {"counter": offer.ended_count}
                + "</p>"
            )
        empty = "" if offer.service_count else ' class="theme-empty"'
        sections.append(
            f'<section aria-labelledby="theme-{code}"{empty}>\n'
            f'<h2 id="theme-{code}">{name}</h2>\n'
            f'<p class="muted">{totals}</p>{listed}{more}{ended}\n'
            "</section>"
        )
    return mark_safe("\n".join(sections))  # noqa: S308 - every value is escaped above


def _offer_items(services: Iterable[Service]) -> str:
    """The list items of a theme's services on a commune page: the organisation,
    the service, its sub-theme, and its status unless it is ongoing. Each
    service carries `organisation_url` and `page_url` (pages.commune_offer)."""
    items = []
    for service in services:
        subtheme = (
            f' <span class="muted">({escape(service.subtheme.name)})</span>'
            if service.subtheme is not None
            else ""
        )
        status = (
            f' <span class="badge">{escape(service.get_status_display())}</span>'
            if service.status != Service.Status.ONGOING
            else ""
        )
        organisation = (
            f'<a href="{escape(service.organisation_url)}">'  # type: ignore[attr-defined]
            f"{escape(service.organisation)}</a>"
        )
        title = (
            f'<a href="{escape(service.page_url)}">'  # type: ignore[attr-defined]
            f"{escape(service.title)}</a>"
        )
        # The colon's spacing is the language's (« : » in French, ": " elsewhere).
        line = escape(pgettext("who: what", "%(organisation)s : %(service)s")) % {
            "organisation": organisation,
            "service": title,
        }
        items.append(f"<li>{line}{subtheme}{status}</li>")
    return "\n".join(items)


@register.simple_tag
def service_rows(services: Iterable[Service]) -> SafeString:
    """The rows of an organisation's services table: title (and whether it is
    published), theme and sub-theme, target groups, number of communes served
    (`target_group_list` and `commune_count`, selectors.organisation_detail),
    period and status."""
    published = f' <span class="badge">{escape(gettext("publié"))}</span>'
    service_url = reverser("register:service_detail")
    rows = []
    for service in services:
        theme = escape(service.theme.name)
        if service.subtheme is not None:
            theme += f" › {escape(service.subtheme.name)}"
        groups = ", ".join(
            escape(group.name)
            for group in service.target_group_list  # type: ignore[attr-defined]
        )
        start, end = service.start_date, service.end_date
        period = (
            f"{start.strftime('%d/%m/%Y') if start else ''} – "
            f"{end.strftime('%d/%m/%Y') if end else ''}"
            if start or end
            else DASH
        )
        rows.append(
            "<tr>"
            f'<th scope="row"><a href="{escape(service_url(service.pk))}">'
            f"{escape(service.title)}</a>"
            f"{published if service.published else ''}</th>"
            f"<td>{theme}</td>"
            f"<td>{groups or DASH}</td>"
            f"<td>{escape(service.commune_count)}</td>"  # type: ignore[attr-defined]
            f"<td>{period}</td>"
            f"<td>{escape(service.get_status_display())}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped above


def _area_short(area: AreaSummary) -> str:
    """A service's communes in a list cell: the units it covers entirely, then
    three of its other communes and how many more."""
    if area.is_empty:
        return f'<span class="muted">{escape(gettext("aucune indiquée"))}</span>'
    parts = [
        escape(gettext("%(name)s (toute la région)") % {"name": region.name})
        for region in area.regions
    ]
    parts += [
        escape(elide(gettext("province de %(name)s") % {"name": p.name}, p.name))
        for p in area.provinces
    ]
    parts += [
        escape(elide(gettext("arrondissement de %(name)s") % {"name": a.name}, a.name))
        for a in area.arrondissements
    ]
    parts += [escape(commune.name) for commune in area.communes[:3]]
    text = ", ".join(parts)
    more = len(area.communes) - 3
    if more > 0:
        text += " " + escape(
            ngettext("et %(counter)s autre", "et %(counter)s autres", more)
            % {"counter": more}
        )
    return text


def _period(start: Any, end: Any) -> str:
    if not (start or end):
        return f'<span class="muted">{escape(gettext("non précisée"))}</span>'
    first = date_format(start, "SHORT_DATE_FORMAT") if start else "…"
    last = date_format(end, "SHORT_DATE_FORMAT") if end else "…"
    return f"{escape(first)} – {escape(last)}"


@register.simple_tag
def service_list_rows(services: Iterable[Service]) -> SafeString:
    """The rows of the services list: title, organisation, theme and sub-theme,
    communes served (`served`, selectors.add_served_communes), period, status."""
    service_url = reverser("register:service_detail")
    organisation_url = reverser("register:organisation_detail")
    rows = []
    for service in services:
        organisation = service.organisation
        acronym = f" ({escape(organisation.acronym)})" if organisation.acronym else ""
        theme = escape(service.theme.name)
        if service.subtheme is not None:
            theme += f" › {escape(service.subtheme.name)}"
        rows.append(
            "<tr>"
            f'<th scope="row"><a href="{escape(service_url(service.pk))}">'
            f"{escape(service.title)}</a></th>"
            f'<td><a href="{escape(organisation_url(service.organisation_id))}">'
            f"{escape(organisation.name)}</a>{acronym}</td>"
            f"<td>{theme}</td>"
            f"<td>{_area_short(service.served)}</td>"  # type: ignore[attr-defined]
            f"<td>{_period(service.start_date, service.end_date)}</td>"
            f"<td>{escape(service.get_status_display())}</td>"
            "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped above
