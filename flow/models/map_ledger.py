"""The process map's ledger of visits (docs/design.md, "Metric definitions", Map): one row per
move (created and transition events) of a card, with what the map groups — the visit the move
began and the one it ended, in business seconds of the process calendar — so that the map over
a window is a GROUP BY, not an ordering of every move of every card (flow/selectors/map_ledger.py
writes it; it is caught up from the events by id before each read, and rebuilt when the
calendar changes). Nothing writes it but the map's catch-up; events are append-only."""

from django.db import models
from django.db.models import Q

from processes.models import Event, Process, RequestCard


class MapLedger(models.Model):
    """How far a process's visits are caught up: every move event up to `event_mark` (give or
    take transactions still open, see map_ledger.LOOKBACK), their moves on the local days
    [first_day, last_day], with business time counted on the working days and hours whose
    fingerprint is `calendar` and the `holidays` among those days."""

    process = models.OneToOneField(
        Process, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    event_mark = models.BigIntegerField(default=0)
    calendar = models.CharField(max_length=64, blank=True)
    holidays = models.JSONField(default=list, blank=True)
    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True)

    def __str__(self) -> str:
        return f"Map ledger of process {self.process_id} up to event {self.event_mark}"


class Visit(models.Model):
    """A move and the visit it began. `stay_seconds`: business seconds until the card's next
    move (None while the visit is open); `left_seconds`: those of the visit this move ended
    (None for the card's first move); `prev_at`: when that visit began. The card's latest move
    also holds its path (statuses from creation), its moves ("A>B", the first ">received") and
    its lead time in days."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+", db_index=False)
    card = models.ForeignKey(RequestCard, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=50, blank=True)
    to_status = models.CharField(max_length=50)
    prev_at = models.DateTimeField(null=True)
    n = models.PositiveIntegerField()
    repeat = models.BooleanField()
    stay_seconds = models.BigIntegerField(null=True)
    left_seconds = models.BigIntegerField(null=True)
    path = models.TextField(null=True)
    pairs = models.TextField(null=True)
    lead_days = models.FloatField(null=True)

    def __str__(self) -> str:
        return f"Visit to {self.to_status} of card {self.card_id} from event {self.event_id}"

    class Meta:
        indexes = [
            # The map's GROUP BYs read the statuses and moves in order from the index alone
            # (no sort of the window's rows, no visit to the table once it is vacuumed).
            models.Index(
                fields=["process", "to_status", "from_status", "at"],
                include=["n", "repeat", "stay_seconds", "left_seconds", "prev_at"],
                name="visit_status_move",
            ),
            models.Index(fields=["process", "at"], name="visit_process_at"),
            # The rework (few rows); each card's latest move (one a card) read by path, in order.
            models.Index(
                fields=["process", "at"], condition=Q(repeat=True), name="visit_repeat_at"
            ),
            models.Index(
                fields=["process", "path", "pairs", "at"],
                include=["to_status", "lead_days", "card_id"],
                condition=Q(stay_seconds=None),
                name="visit_latest",
            ),
        ]
