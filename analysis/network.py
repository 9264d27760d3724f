"""The actors' network: the register's relations as a graph, measured by the
igraph library (GPL-2.0-or-later, which the EUPL-1.2 lists as compatible).

Nodes are the active organisations the filters keep (level, province of
their seat); edges the relations between them (of a type, about a theme). For
degree, betweenness, communities and components the graph is undirected and
simple: two organisations tied by several relations, in either direction, are
neighbours once. In- and out-degree count the relations by direction.

Betweenness is normalised as networkx does for an undirected graph
(`normalized=True`: divided by (n - 1)(n - 2) / 2). It is exact up to
EXACT_BETWEENNESS_NODES nodes; above, it is estimated from the shortest paths
of SAMPLED_SOURCES organisations drawn at random (the same at each run),
scaled up to all of them (Brandes and Pich, 2007): the page says which.
Communities are found by the Louvain method (igraph's multilevel algorithm).
"""

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph  # type: ignore[import-untyped]
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q

from register.models import Organisation, Relation, ServiceCommune

EXACT_BETWEENNESS_NODES = 3_000
SAMPLED_SOURCES = 500
EXACT = "exact"
SAMPLED = "sampled"


@dataclass(frozen=True)
class NetworkFilters:
    relation_type: int | None = None
    theme: int | None = None
    level: int | None = None
    province: str = ""
    # A focal point's territory (analysis.access): the organisations seated,
    # working or serving in these communes; None for the whole register.
    communes: frozenset[str] | None = None


@dataclass
class Node:
    id: int
    level: int | None
    degree: int
    in_degree: int
    out_degree: int
    betweenness: float
    community: int
    component: int
    # How many other levels its neighbours belong to.
    levels_reached: int


@dataclass
class Network:
    nodes: list[Node]
    edges: list[tuple[int, int]]
    algorithm: str
    components: int
    communities: int
    isolated: int
    # (level, level) → (ties, possible ties, density)
    level_density: dict[tuple[int, int], tuple[int, int, float]] = field(
        default_factory=dict
    )


def _in_communes(communes: frozenset[str]) -> Q:
    """The organisations seated, working or serving in these communes."""
    codes = sorted(communes)
    return (
        Q(commune_id__in=codes)
        | Q(
            pk__in=Organisation.area_communes.through.objects.filter(
                commune_id__in=codes
            ).values("organisation_id")
        )
        | Q(
            pk__in=ServiceCommune.objects.filter(commune_id__in=codes).values(
                "organisation_id"
            )
        )
    )


def _organisations(filters: NetworkFilters) -> Any:
    organisations = Organisation.objects.active()
    if filters.level is not None:
        organisations = organisations.filter(level_id=filters.level)
    if filters.province:
        organisations = organisations.filter(commune__province_id=filters.province)
    if filters.communes is not None:
        organisations = organisations.filter(_in_communes(filters.communes))
    return organisations


def _relations(filters: NetworkFilters) -> Any:
    """The relations between the organisations `_organisations` keeps (the
    same filters), each
    side filtered through its join: SQLite read `source IN (…) AND target IN
    (…)` as a probe of the index for every pair of organisations (400 million
    of them at "Wallonia × 10", 46 s)."""
    sides: dict[str, Any] = {"status": Organisation.Status.ACTIVE}
    if filters.level is not None:
        sides["level_id"] = filters.level
    if filters.province:
        sides["commune__province_id"] = filters.province
    relations = Relation.objects.filter(
        **{f"source__{name}": value for name, value in sides.items()},
        **{f"target__{name}": value for name, value in sides.items()},
    ).order_by()
    if filters.communes is not None:
        # Both ends within the territory: a focal point's scope is a few
        # communes, whose organisations are few.
        kept = list(_organisations(filters).values_list("pk", flat=True)) or [0]
        relations = relations.filter(source_id__in=kept, target_id__in=kept)
    if filters.relation_type is not None:
        relations = relations.filter(type_id=filters.relation_type)
    if filters.theme is not None:
        relations = relations.filter(
            Q(
                pk__in=Relation.themes.through.objects.filter(
                    theme_id=filters.theme
                ).values("relation_id")
            )
        )
    return relations


def network_measure(filters: NetworkFilters, *, seed: int = 1) -> Network:
    """The network and its measures (three queries: nodes, edges, densities)."""
    organisations = _organisations(filters)
    rows = list(organisations.order_by("pk").values_list("pk", "level_id"))
    edges = list(_relations(filters).values_list("source_id", "target_id"))
    network = graph_measures(
        [pk for pk, _level in rows],
        [level for _pk, level in rows],
        edges,
        seed=seed,
    )
    if rows:
        network.level_density = _level_density(filters, organisations)
    return network


def graph_measures(
    ids: Sequence[int],
    levels: Sequence[int | None],
    edges: Sequence[tuple[int, int]],
    *,
    seed: int = 1,
) -> Network:
    """The measures of a graph of organisations (`ids`, their `levels`) tied
    by directed `edges` (pairs of ids), by igraph."""
    index = {pk: position for position, pk in enumerate(ids)}
    directed = igraph.Graph(
        n=len(ids),
        # A relation to an organisation archived meanwhile is left out.
        edges=[(index[a], index[b]) for a, b in edges if a in index and b in index],
        directed=True,
    )
    simple = directed.as_undirected(mode="collapse")
    n = simple.vcount()
    if n <= EXACT_BETWEENNESS_NODES:
        algorithm = EXACT
        raw = simple.betweenness(directed=False) if n else []
    else:
        algorithm = SAMPLED
        sources = random.Random(seed).sample(range(n), SAMPLED_SOURCES)  # noqa: S311
        scale = n / SAMPLED_SOURCES
        raw = [
            value * scale
            for value in simple.betweenness(sources=sources, directed=False)
        ]
    norm = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    # The same communities at each run: igraph draws from Python's random.
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311
    try:
        communities: Any = simple.community_multilevel() if n else []
    finally:
        igraph.set_random_number_generator(random)
    membership = communities.membership if n else []
    components: Any = simple.connected_components() if n else []
    component_of = components.membership if n else []
    neighbour_levels = [
        len({levels[other] for other in simple.neighbors(vertex)} - {levels[vertex]})
        for vertex in range(n)
    ]
    degrees = simple.degree()
    in_degrees = directed.indegree()
    out_degrees = directed.outdegree()
    nodes = [
        Node(
            id=ids[vertex],
            level=levels[vertex],
            degree=degrees[vertex],
            in_degree=in_degrees[vertex],
            out_degree=out_degrees[vertex],
            betweenness=round(raw[vertex] * norm, 6),
            community=membership[vertex],
            component=component_of[vertex],
            levels_reached=neighbour_levels[vertex],
        )
        for vertex in range(n)
    ]
    return Network(
        nodes=nodes,
        edges=[(ids[a], ids[b]) for a, b in simple.get_edgelist()],
        algorithm=algorithm,
        components=len(components) if n else 0,
        communities=len(communities) if n else 0,
        isolated=degrees.count(0),
    )


def organisation_labels(filters: NetworkFilters) -> dict[int, str]:
    """How the graph names each of its organisations (one query)."""
    return {
        pk: f"{name} ({acronym})" if acronym else name
        for pk, name, acronym in _organisations(filters).values_list(
            "pk", "name", "acronym"
        )
    }


def _level_density(
    filters: NetworkFilters, organisations: Any
) -> dict[tuple[int, int], tuple[int, int, float]]:
    """Ties between each pair of levels (two organisations tied once
    however many relations), out of the ties possible, by the database."""
    nodes_sql, node_params = (
        organisations.order_by().values("id", "level_id").query.sql_with_params()
    )
    edges_sql, edge_params = (
        _relations(filters).values("source_id", "target_id").query.sql_with_params()
    )
    sql = (
        f"WITH nodes AS ({nodes_sql}), edges AS ({edges_sql}), "  # noqa: S608
        "ties AS (SELECT DISTINCT "
        "CASE WHEN source_id < target_id THEN source_id ELSE target_id END AS a, "
        "CASE WHEN source_id < target_id THEN target_id ELSE source_id END AS b "
        "FROM edges), "
        "counts AS (SELECT level_id AS level, COUNT(*) AS organisations FROM nodes "
        "GROUP BY level_id), "
        "pairs AS (SELECT "
        "CASE WHEN na.level_id <= nb.level_id "
        "THEN na.level_id ELSE nb.level_id END AS low, "
        "CASE WHEN na.level_id <= nb.level_id "
        "THEN nb.level_id ELSE na.level_id END AS high, "
        "COUNT(*) AS ties FROM ties "
        "JOIN nodes na ON na.id = ties.a JOIN nodes nb ON nb.id = ties.b "
        "GROUP BY 1, 2) "
        "SELECT ca.level, cb.level, COALESCE(pairs.ties, 0), "
        "CASE WHEN ca.level = cb.level "
        "THEN ca.organisations * (ca.organisations - 1) / 2 "
        "ELSE ca.organisations * cb.organisations END "
        "FROM counts ca JOIN counts cb ON ca.level <= cb.level "
        "LEFT JOIN pairs ON pairs.low = ca.level AND pairs.high = cb.level "
        "ORDER BY ca.level, cb.level"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*node_params, *edge_params])
        return {
            (int(low), int(high)): (
                int(ties),
                int(possible),
                round(int(ties) / int(possible), 6) if possible else 0.0,
            )
            for low, high, ties, possible in cursor.fetchall()
        }


# The network of given filters is measured once per state of the register:
# measuring twenty thousand organisations takes seconds, reading it back none.
CACHE_SECONDS = 15 * 60


def network_cached(filters: NetworkFilters) -> Network:
    """network_measure, kept in the cache until an organisation or a relation
    changes (two queries to tell)."""
    stamp = (
        Organisation.objects.aggregate(changed=Max("updated_at"), count=Count("id")),
        Relation.objects.aggregate(changed=Max("updated_at"), count=Count("id")),
    )
    key = (
        "analysis:network:"
        + hashlib.sha256(repr((filters, stamp)).encode()).hexdigest()
    )
    found: Network | None = cache.get(key)
    if found is None:
        found = network_measure(filters)
        cache.set(key, found, CACHE_SECONDS)
    return found
