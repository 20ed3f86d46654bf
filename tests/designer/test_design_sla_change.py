"""The acceptance of the designer (issue 26, point 3): the accountable shortens the SLA of
Priced from 16 to 8 business hours on the designer's page; the change is a rule version in
words, applies to cards entering Priced afterwards (a card already there keeps its deadline),
a review's decision links to it, and the monthly agenda lists it."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import time_machine

from processes.models import DefinitionVersion, SLAPolicy
from processes.services import card_create, card_item_add, card_transition
from reviews.models import Rhythm
from reviews.services.decisions import decision_done, decision_make
from reviews.services.reviews import compute_agenda, review_close, review_open
from tests.designer.conftest import CHANGED_AT, design_post

BEFORE = datetime(2026, 10, 13, 9, tzinfo=UTC)  # Tue 11:00 Berlin, the day before the change
AFTER = datetime(2026, 10, 15, 9, tzinfo=UTC)  # Thu 11:00 Berlin, the day after
DONE_AT = datetime(2026, 11, 4, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)


def _into_priced(o2c, alice, acme, at):
    with time_machine.travel(at, tick=False):
        card = card_create(actor=alice, process=o2c, title="Drills", client=acme, at=at)
        card = card_transition(actor=alice, card=card, name="qualify", at=at)
        card_item_add(actor=alice, card=card, product="Drill", quantity=Decimal("1"),
                      unit_price=Decimal("10"), unit_cost=Decimal("5"))  # fmt: skip
        card.refresh_from_db()
        return card_transition(actor=alice, card=card, name="price", at=at)


def test_an_sla_shortened_in_the_designer_is_a_version_tied_to_a_decision(
    client, o2c, alice, bob, acme
):
    for level, weekday, nth in (("weekly", 1, None), ("monthly", 2, 1)):
        Rhythm.objects.create(process=o2c, level=level, time_of_day=time(10), weekday=weekday,
                              nth=nth)  # fmt: skip
    policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
    assert policy.allowance_minutes == 16 * 60
    last_monthly = review_open(actor=bob, process=o2c, level="monthly",
                               held_on=date(2026, 10, 6), now=BEFORE)  # fmt: skip
    review_close(actor=bob, review=last_monthly, now=datetime(2026, 10, 6, 10, tzinfo=UTC))
    weekly = review_open(actor=bob, process=o2c, level="weekly", held_on=date(2026, 10, 12),
                         now=BEFORE)  # fmt: skip
    decision = decision_make(
        actor=bob, review=weekly, text="Shorten the SLA of Priced to 8 hours", owner=bob,
        due_on=date(2026, 11, 6), changes="rule", rule_kind="sla_policy", rule_id=policy.pk,
        metric="cycle_time_p85", expected="down", now=BEFORE,
    )  # fmt: skip
    already_priced = _into_priced(o2c, alice, acme, BEFORE)

    with time_machine.travel(CHANGED_AT, tick=False):
        client.force_login(bob)
        page = client.get(f"/processes/order-to-cash/design/sla/{policy.pk}/")
        assert page.status_code == 200
        answer = design_post(
            client,
            f"/processes/order-to-cash/design/sla/{policy.pk}/",
            {"status": policy.status_id, "priority": "", "hours": "8", "at_risk_percent": 75},
            version=page.context["version"],
        )
        assert answer.status_code == 302, answer.content[:3000]
        home = client.get(answer["Location"]).content.decode()
    version = DefinitionVersion.objects.filter(process=o2c).order_by("-number").first()
    assert (version.number, version.by, version.at) == (2, bob, CHANGED_AT)
    assert version.changes == ["SLA of Priced: 16 -> 8 business hours"]
    assert "Saved as version 2: SLA of Priced: 16 -&gt; 8 business hours" in home
    assert '<tr data-version="2"><th scope="row">2</th>' in home

    # A card already in Priced keeps its 16 hours; one entering afterwards gets 8.
    entering = _into_priced(o2c, alice, acme, AFTER)
    already_priced.refresh_from_db()
    assert already_priced.sla_allowance == 16 * 3600
    assert entering.sla_allowance == 8 * 3600
    # Business hours 09:00-18:00 Berlin: Tue 11:00 + 16 h is Wed 18:00; Thu 11:00 + 8 h is
    # Fri 10:00.
    assert already_priced.due_at == datetime(2026, 10, 14, 16, tzinfo=UTC)
    assert entering.due_at == datetime(2026, 10, 16, 8, tzinfo=UTC)

    decision = decision_done(
        actor=bob, decision=decision, note="Done in the designer", now=DONE_AT, version_number=2
    )
    assert decision.version == version
    monthly = review_open(actor=bob, process=o2c, level="monthly", held_on=NOW.date(), now=NOW)
    sections = {s["slug"]: s for s in compute_agenda(monthly, now=NOW)["sections"]}
    assert [(i["text"], i["detail"]) for i in sections["rule_changes"]["items"]] == [
        (
            "Version 2: SLA of Priced: 16 -> 8 business hours",
            f"Oct 14, 2026, by bob; carried out decision #{decision.pk}",
        )
    ]
