"""Paging long lists in two steps: the page's ids from narrow, indexed columns
first, then those rows by primary key. Shared by the pages and the API."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class PagedRows[M: Model]:
    """What to page in two steps: `matching` (filtered and sorted) gives a page's
    ids, `rows` (unfiltered, with what a row shows) their rows.

    `counting`, when given, is `matching` as the database counts it faster;
    `counted`, when given, gives their number without counting them (a count
    kept by the writes).
    With `read_ahead`, the first that many ids are read at once: when that is
    all of them, they are counted and paged without another query. `complete`
    adds to a page's rows what they show from other tables, for all at once."""

    matching: QuerySet[M]
    rows: QuerySet[M]
    counting: QuerySet[M] | None = None
    counted: Callable[[], int] | None = None
    read_ahead: int = 0
    complete: Callable[[list[M]], None] | None = None

    @cached_property
    def _ids_ahead(self) -> list[Any]:
        if not self.read_ahead:
            return []
        return list(self.matching.values_list("pk", flat=True)[: self.read_ahead + 1])

    def count(self) -> int:
        ahead = self._ids_ahead
        if self.read_ahead and len(ahead) <= self.read_ahead:
            return len(ahead)
        if self.counted is not None:
            return self.counted()
        counting = self.matching if self.counting is None else self.counting
        return counting.count()

    def page(self, offset: int, limit: int) -> list[M]:
        """The rows of the matching ids from `offset`, in order. Sorting the wide
        rows of a thousand matches to show twenty-five cost more than the rest
        of the page; the ids come from narrow columns, often from an index
        alone, and their rows are read by primary key."""
        ahead = self._ids_ahead
        if self.read_ahead and (
            offset + limit <= self.read_ahead or len(ahead) <= self.read_ahead
        ):
            ids = ahead[offset : offset + limit]
        else:
            ids = list(
                self.matching.values_list("pk", flat=True)[offset : offset + limit]
            )
        found = self.rows.order_by().in_bulk(ids)
        rows = [found[pk] for pk in ids if pk in found]
        if self.complete is not None:
            self.complete(rows)
        return rows


class IdsFirstPaginator(Paginator[Any]):
    """Django's paginator over PagedRows: counts the matching rows, reads each
    page's ids first, then their rows."""

    def __init__(self, paged: PagedRows[Any], per_page: int) -> None:
        super().__init__(paged.matching, per_page)
        self.paged = paged

    @cached_property
    def count(self) -> int:
        return self.paged.count()

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(self.paged.page(bottom, top - bottom), number, self)
