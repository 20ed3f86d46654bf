from datetime import timedelta

import pytest
import time_machine

from opmodel.errors import Conflict, Forbidden
from processes.models import ApprovalRequest, BlockReason, ExceptionRule, RequestCard, SLAPolicy
from processes.services import card_block
from reviews.services.decisions import decision_make
from reviews.services.reviews import compute_agenda, review_close, review_notes_save
from tests.goals.conftest import snapshot
from tests.reviews.conftest import NOW, TODAY


def _items(agenda, slug):
    section = next(s for s in agenda["sections"] if s["slug"] == slug)
    return section["items"]


@pytest.fixture
def daily_data(make_card, alice, o2c):
    reason = BlockReason.objects.filter(process=o2c).order_by("order").first()
    old = make_card("Old block", responsible=alice)
    card_block(actor=alice, card=old, reason=reason, at=NOW - timedelta(days=3))
    new = make_card("New block", responsible=alice)
    card_block(actor=alice, card=new, reason=reason, at=NOW - timedelta(hours=2))
    late = make_card("Late one", responsible=alice)
    RequestCard.objects.filter(pk=late.pk).update(
        at_risk_at=NOW - timedelta(hours=2), due_at=NOW - timedelta(hours=1)
    )
    risky = make_card("Risky one", responsible=alice)
    RequestCard.objects.filter(pk=risky.pk).update(
        at_risk_at=NOW - timedelta(hours=1), due_at=NOW + timedelta(hours=5)
    )
    nobody = make_card("Nobody's")
    rule = ExceptionRule.objects.filter(process=o2c).first()
    approval = ApprovalRequest.objects.create(
        card=nobody, rule=rule, family=rule.family, value="25", requested_by=alice,
        due_at=NOW - timedelta(minutes=5),
    )  # fmt: skip
    return {"old": old, "new": new, "late": late, "risky": risky, "nobody": nobody,
            "approval": approval}  # fmt: skip


def test_daily_agenda_on_hand_built_cards(daily_data, open_review, bob, alice):
    review = open_review("daily")
    decision = decision_make(actor=bob, review=review, text="Chase stock", owner=alice,
                             due_on=TODAY, now=NOW)  # fmt: skip
    agenda = compute_agenda(review, now=NOW)
    d = daily_data
    assert [i["key"] for i in _items(agenda, "blocked")] == [
        f"card:{d['old'].pk}",
        f"card:{d['new'].pk}",
    ]
    assert [(i["key"], i["tone"]) for i in _items(agenda, "at_risk")] == [
        (f"card:{d['late'].pk}", "worse"), (f"card:{d['risky'].pk}", "warn")
    ]  # fmt: skip
    assert [i["key"] for i in _items(agenda, "approvals")] == [f"approval:{d['approval'].pk}"]
    assert [i["key"] for i in _items(agenda, "unassigned")] == [f"card:{d['nobody'].pk}"]
    assert [i["key"] for i in _items(agenda, "decisions")] == [f"decision:{decision.pk}"]


def test_frozen_agenda_does_not_change_with_the_data(daily_data, open_review, bob, alice):
    review = open_review("daily")
    closed = review_close(actor=bob, review=review, now=NOW)
    frozen = closed.agenda
    assert closed.no_decision is True
    RequestCard.objects.all().update(is_blocked=False, responsible=alice)
    closed.refresh_from_db()
    assert closed.agenda == frozen
    assert len(_items(closed.agenda, "blocked")) == 2
    assert _items(compute_agenda(closed, now=NOW), "blocked") == []


def test_items_not_discussed_carry_over(daily_data, open_review, bob):
    d = daily_data
    first = open_review("daily", held_on=TODAY - timedelta(days=1))
    noted = f"card:{d['old'].pk}"
    ticked = f"approval:{d['approval'].pk}"
    first = review_close(actor=bob, review=first, notes={noted: "stock on Friday"},
                         discussed=[ticked], now=NOW)  # fmt: skip
    carried = {c["key"] for c in first.carried}
    assert noted not in carried and ticked not in carried
    assert f"card:{d['new'].pk}" in carried
    # The approval is decided meanwhile, a blocked card unblocked: it still carries over.
    RequestCard.objects.filter(pk=d["new"].pk).update(is_blocked=False)
    agenda = compute_agenda(open_review("daily"), now=NOW)
    assert [i["key"] for i in _items(agenda, "carried")] == [f"card:{d['new'].pk}"]
    # Told as the card is now (its status by name, no longer blocked), not as it was frozen.
    assert _items(agenda, "carried")[0]["detail"] == "now Received"
    still = _items(agenda, "at_risk")
    assert all(i.get("carried") for i in still)


def test_notes_and_ticks_kept_while_open_count_at_close(daily_data, open_review, bob, alice):
    d = daily_data
    review = open_review("daily")
    noted, ticked = f"card:{d['old'].pk}", f"card:{d['new'].pk}"
    review_notes_save(actor=bob, review=review, notes={noted: " papers Friday "},
                      discussed=[ticked], attendees=[alice.pk], now=NOW)  # fmt: skip
    review.refresh_from_db()
    assert (review.notes, review.discussed) == ({noted: "papers Friday"}, [ticked])
    assert list(review.attendees.all()) == [alice]
    # Sent with nothing else (the API's close, or a decision recorded): nothing is lost.
    closed = review_close(actor=bob, review=review, now=NOW)
    assert closed.notes == {noted: "papers Friday"} and closed.discussed == [ticked]
    carried = {c["key"] for c in closed.carried}
    assert noted not in carried and ticked not in carried
    with pytest.raises(Conflict):
        review_notes_save(actor=bob, review=closed, notes={}, discussed=None, now=NOW)


def test_notes_are_kept_only_by_who_runs_the_review(daily_data, open_review, alice):
    with pytest.raises(Forbidden):
        review_notes_save(actor=alice, review=open_review("daily"), notes={"x": "y"},
                          discussed=None, now=NOW)  # fmt: skip


def test_weekly_agenda_on_hand_built_weeks(o2c, open_review, bob, alice):
    for k in range(1, 13):  # W35..W46: intake 10 every week, breaches 2
        snapshot(o2c, f"2026-W{34 + k:02d}", {"intake.total": 10, "sla.breaches": 2})
    snapshot(
        o2c,
        "2026-W47",
        {
            "intake.total": 11,  # 10% off the median: not marked
            "sla.breaches": 5,  # 150% off: marked, worse
            "blocked.reasons.days": {"Waiting for stock": 4.5, "Waiting for customer": 1.0},
            "sla.by_status.breaches": {"priced": 3, "received": 2, "agreed": 0},
        },
    )
    review = open_review("weekly")
    decision_make(actor=bob, review=review, text="Price within a day", owner=alice,
                  due_on=TODAY + timedelta(days=6), now=NOW)  # fmt: skip
    agenda = compute_agenda(review, now=NOW)
    heads = {i["key"]: i for i in _items(agenda, "headlines")}
    assert heads["figure:intake"]["text"] == "Intake (cards created): 11"
    assert heads["figure:intake"]["detail"] == "previous week 10, 12-week median 10"
    assert heads["figure:sla_breaches"]["tone"] == "worse"
    assert heads["figure:sla_breaches"]["detail"].endswith("(marked)")
    assert [i["text"] for i in _items(agenda, "block_reasons")] == [
        "Waiting for stock", "Waiting for customer"
    ]  # fmt: skip
    assert [i["text"] for i in _items(agenda, "hotspots")] == ["Priced", "Received"]
    assert [i["text"] for i in _items(agenda, "decisions")] == ["Price within a day"]


def test_monthly_agenda_shows_rules_with_their_cost(o2c, open_review, make_card, alice):
    policy = SLAPolicy.objects.filter(process=o2c, status__slug="received").first()
    for week in ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]:
        snapshot(o2c, week, {"sla.by_status.visits": {"received": 10},
                             "sla.by_status.breaches": {"received": 1}})  # fmt: skip
    rule = ExceptionRule.objects.filter(process=o2c).order_by("id").first()
    card = make_card()
    ApprovalRequest.objects.create(
        card=card, rule=rule, family=rule.family, value="25", requested_by=alice,
        requested_at=NOW - timedelta(days=2), due_at=NOW, status="approved",
        decided_at=NOW - timedelta(days=2) + timedelta(hours=3),
    )  # fmt: skip
    RequestCard.objects.filter(pk=card.pk).update(responsible=alice)
    agenda = compute_agenda(open_review("monthly"), now=NOW)
    slas = {i["key"]: i for i in _items(agenda, "sla_policies")}
    assert slas[f"sla_policy:{policy.pk}"]["detail"].startswith("breach rate 10% (4 of 40 visits")
    rules = {i["key"]: i for i in _items(agenda, "exception_rules")}
    assert rules[f"exception_rule:{rule.pk}"]["detail"] == (
        "1 requests in 28 days, approved 100%, average wait 3.0 h"
    )
    grants = [i for i in _items(agenda, "role_grants") if "alice" in i["text"]]
    assert grants[0]["detail"] == "1 people, 1 open cards, 1.0 per person"


def test_daily_agenda_and_risks_page_agree_on_the_same_cards(daily_data, open_review, client, bob):
    """One daily-risks function (metrics.selectors.risks_for_review): the agenda's blocked and
    at-risk cards are the risks page's two lists, and its counts are theirs."""
    agenda = compute_agenda(open_review("daily"), now=NOW)
    with time_machine.travel(NOW, tick=False):
        client.force_login(bob)
        page = client.get("/risks/?process=order-to-cash")
    assert page.status_code == 200
    review = page.context["review"]
    d = daily_data
    blocked = {f"card:{d['old'].pk}", f"card:{d['new'].pk}"}
    deadlines = {f"card:{d['late'].pk}", f"card:{d['risky'].pk}"}
    assert {i["key"] for i in _items(agenda, "blocked")} == blocked
    assert {f"card:{r.card.pk}" for r in review.blocked} == blocked
    assert {i["key"] for i in _items(agenda, "at_risk")} == deadlines
    assert {f"card:{r.card.pk}" for r in review.deadlines} == deadlines
    breached = sum(i["tone"] == "worse" for i in _items(agenda, "at_risk"))
    assert (review.breached_count, review.at_risk_count, review.blocked_count) == (
        breached, len(deadlines) - breached, len(blocked)
    )  # fmt: skip
    assert (breached, review.at_risk_count) == (1, 1)
