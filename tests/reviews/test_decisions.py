from datetime import UTC, date, datetime, timedelta

import pytest

from metrics.flow import week_shift
from notifications.models import Notification
from opmodel.errors import Conflict, Forbidden, InvalidInput
from reviews.definitions import Effect
from reviews.models import Decision
from reviews.selectors.effect import effects
from reviews.services.decisions import (
    decision_done,
    decision_drop,
    decision_make,
    decisions_overdue_notify,
)
from tests.goals.conftest import snapshot
from tests.reviews.conftest import NOW, TODAY


@pytest.fixture
def decide(open_review, bob, alice):
    def make(review=None, **fields):
        values = {"text": "Call the warehouse daily", "owner": alice, "due_on": TODAY}
        values.update(fields)
        return decision_make(actor=bob, review=review or open_review(), now=NOW, **values)

    return make


def test_owner_is_notified_once_when_a_decision_is_made(decide, alice):
    decision = decide()
    notes = Notification.objects.filter(user=alice, kind="decision")
    assert [n.key for n in notes] == [f"decision-made:{decision.pk}"]


def test_overdue_decision_is_told_once(decide, alice):
    decision = decide(due_on=TODAY)
    assert decisions_overdue_notify(now=NOW) == 0  # due today: not yet overdue
    later = NOW + timedelta(days=1)
    assert decisions_overdue_notify(now=later) == 1
    assert decisions_overdue_notify(now=later + timedelta(hours=1)) == 0
    keys = sorted(Notification.objects.filter(user=alice).values_list("key", flat=True))
    assert keys == [f"decision-made:{decision.pk}", f"decision-overdue:{decision.pk}"]
    decision.refresh_from_db()
    assert decision.is_overdue_on(TODAY + timedelta(days=1))


def test_only_the_owner_closes_a_decision(decide, alice, bob):
    decision = decide()
    with pytest.raises(Forbidden):
        decision_done(actor=bob, decision=decision, note="done", now=NOW)
    done = decision_done(actor=alice, decision=decision, note="Called them", now=NOW)
    assert (done.state, done.note, done.done_on_time) == ("done", "Called them", True)
    with pytest.raises(Conflict):
        decision_drop(actor=alice, decision=decision, reason="late", now=NOW)


def test_done_late_and_dropped_need_words(decide, alice):
    decision = decide(due_on=TODAY)
    with pytest.raises(InvalidInput):
        decision_done(actor=alice, decision=decision, note="  ", now=NOW)
    late = decision_done(actor=alice, decision=decision, note="ok", now=NOW + timedelta(days=3))
    assert late.done_on_time is False
    other = decide()
    with pytest.raises(InvalidInput) as refused:
        decision_drop(actor=alice, decision=other, reason="", now=NOW)
    assert "reason" in refused.value.errors


def test_a_decision_is_checked_whole(decide, charlie, o2c):
    with pytest.raises(InvalidInput) as refused:
        decide(text="", owner=charlie, changes="rule", rule_kind="", metric="nope",
               due_on=TODAY - timedelta(days=1))  # fmt: skip
    assert set(refused.value.errors) == {
        "text",
        "owner",
        "rule_kind",
        "metric",
        "due_on",
        "expected",
    }
    assert Decision.objects.count() == 0


def test_only_the_accountable_records_decisions(decide, alice, open_review):
    with pytest.raises(Forbidden):
        decision_make(actor=alice, review=open_review(), text="x", owner=alice, due_on=TODAY,
                      now=NOW)  # fmt: skip


def _weeks(o2c, done_on: date, before: list, after: list, metric="cycle_time.week.p85"):
    monday = done_on - timedelta(days=done_on.weekday())
    week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    for k, value in enumerate(before):
        snapshot(o2c, week_shift(week, k - len(before)), {metric: value})
    for k, value in enumerate(after):
        snapshot(o2c, week_shift(week, k + 1), {metric: value})


@pytest.mark.parametrize(
    "after, outcome",
    [([7, 7, 6, 8], Effect.MOVED), ([10, 11, 9, 11], Effect.NO_CHANGE),
     ([13, 12, 14, 13], Effect.WRONG_WAY)],
)  # fmt: skip
def test_effect_of_a_done_decision_on_stored_weeks(o2c, decide, open_review, alice, after, outcome):
    review = open_review(held_on=date(2026, 10, 12))
    decision = decide(review, metric="cycle_time_p85", expected="down", due_on=date(2026, 10, 16))
    done_at = datetime(2026, 10, 14, 12, tzinfo=UTC)  # W42
    decision_done(actor=alice, decision=decision, note="done", now=done_at)
    _weeks(o2c, date(2026, 10, 14), [9, 10, 11, 10], after)
    decision.refresh_from_db()
    measured = effects([decision], today=TODAY)[decision.pk]
    assert measured.effect == outcome
    assert [v for _, v in measured.before] == [9, 10, 11, 10]
    assert effects([decision], today=date(2026, 11, 15))[decision.pk].effect == Effect.PENDING


def test_a_decision_that_did_not_move_its_metric_goes_on_the_next_monthly(
    o2c, decide, open_review, alice, bob
):
    from reviews.services.reviews import compute_agenda, review_close

    review = open_review(held_on=date(2026, 10, 12))
    decision = decide(review, metric="cycle_time_p85", expected="down", due_on=date(2026, 10, 16))
    decision_done(actor=alice, decision=decision, note="done",
                  now=datetime(2026, 10, 14, 12, tzinfo=UTC))  # fmt: skip
    _weeks(o2c, date(2026, 10, 14), [9, 10, 11, 10], [10, 11, 9, 11])
    monthly = open_review("monthly")
    items = next(s for s in compute_agenda(monthly, now=NOW)["sections"] if s["slug"] == "effects")
    assert [(i["key"], i["effect"]) for i in items["items"]] == [
        (f"effect:{decision.pk}", Effect.NO_CHANGE)
    ]
    review_close(actor=bob, review=monthly, now=NOW)
    decision.refresh_from_db()
    assert (decision.effect, decision.effect_reviewed_in_id) == (Effect.NO_CHANGE, monthly.pk)
    later = open_review("monthly", held_on=TODAY + timedelta(days=7))
    items = next(s for s in compute_agenda(later, now=NOW)["sections"] if s["slug"] == "effects")
    assert items["items"] == []
