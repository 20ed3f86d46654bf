"""The backfill command: any range of weeks, a progress bar, and safe to repeat."""

from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from metrics.models import WeeklyFigure, WeeklySnapshot
from tests.metrics.test_flow_metrics import NOW, history  # noqa: F401 (a fixture)


def backfill(*args) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("metrics_backfill", *args, stdout=out)
    return out.getvalue()


def test_backfill_computes_each_week_of_the_range_with_a_progress_bar(history, o2c):  # noqa: F811
    output = backfill("--process", "order-to-cash", "--from", "2026-W46", "--to", "2026-W47")

    assert "[" + "#" * 15 + "." * 15 + "] 1/2 order-to-cash 2026-W46" in output
    assert "[" + "#" * 30 + "] 2/2 order-to-cash 2026-W47" in output
    assert "Computed 2 week(s)" in output
    snapshots = WeeklySnapshot.objects.order_by("week_start")
    assert [(s.week, s.complete) for s in snapshots] == [("2026-W46", True), ("2026-W47", True)]
    assert snapshots[1].figures["throughput"]["total"] == 3


def test_backfill_defaults_to_the_first_card_up_to_the_current_week(history, o2c):  # noqa: F811
    backfill()

    weeks = list(WeeklySnapshot.objects.order_by("week_start").values_list("week", flat=True))
    # G, the first card, was created on 2026-10-01 (W40); now is in W48 (in progress).
    assert weeks == [f"2026-W{n}" for n in range(40, 49)]
    assert not WeeklySnapshot.objects.get(week="2026-W48").complete


def test_running_the_backfill_again_replaces_nothing_but_its_own_rows(history, o2c):  # noqa: F811
    backfill("--from", "2026-W45")
    before = list(
        WeeklyFigure.objects.order_by("id").values_list("id", "metric", "dimension", "value")
    )

    backfill("--from", "2026-W45")

    after = list(
        WeeklyFigure.objects.order_by("id").values_list("id", "metric", "dimension", "value")
    )
    assert after == before
    assert WeeklySnapshot.objects.filter(process=o2c).count() == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-W99"], "2026 has no ISO week 99"),
        (["--to", "last week"], "is not an ISO week"),
        (["--process", "nope"], "No process with the slug nope"),
    ],
)
def test_backfill_refuses_bad_input_with_a_message(o2c, args, message):
    with pytest.raises(CommandError, match=message):
        backfill(*args)
