"""The cards behind a number: the same expressions as the figures, so that every figure on the
dashboard links to exactly the cards it counts."""

from __future__ import annotations

from datetime import datetime

from metrics.flow.context import query_params, run, week_context
from metrics.flow.sql import MEMBERS, ctes, dialect
from opmodel.errors import InvalidInput


def cards_behind(
    *, process, week: str, metric: str, key: str | None = None, now: datetime | None = None
) -> list[int]:
    """The ids of the cards a figure counts (e.g. metric "intake", key "email"), in one query."""
    if metric not in MEMBERS:
        raise InvalidInput({"metric": [f"Choose one of: {', '.join(sorted(MEMBERS))}."]})
    ctx = week_context(process=process, week=week, now=now)
    select, key_column = MEMBERS[metric]
    params = query_params(ctx)
    slugs = ctx.order
    if key_column == "{reach}":
        if key not in slugs:
            return []  # a status this process does not have: no card reached it
        select += f" AND reach_{slugs.index(key)} IS NOT NULL"
    elif key:
        select += f" AND {key_column} = %(key)s"
        params["key"] = key
    sql = f"WITH {ctes(dialect(), len(slugs))}\nSELECT DISTINCT card_id FROM ({select}) m"
    return [row[0] for row in run(sql + " ORDER BY card_id", params)]
