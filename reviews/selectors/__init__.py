"""Reads of the rhythm, one concept per module: `reviews` (what a user may see; re-exported
here), `rhythm` (the schedule), `agendas` (what each level looks at), `monthly` (the monthly
agenda), `effect` (did it work?), `health` (model health)."""

from reviews.selectors.reviews import (
    agenda_rows,
    decisions_for,
    decisions_visible_to,
    facilitator_kind,
    reviews_visible_to,
    rhythm_rows,
)

__all__ = [
    "agenda_rows",
    "decisions_for",
    "decisions_visible_to",
    "facilitator_kind",
    "reviews_visible_to",
    "rhythm_rows",
]
