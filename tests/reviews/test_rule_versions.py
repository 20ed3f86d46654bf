"""A decision tied to a rule version (issue 26, point 4): a rule decision marked done links the
version that carried it out or says why there is none; its "did it work?" reads the weeks
around that version's date; the monthly agenda lists the rule changes since the last monthly
review; the versions API names the decision."""

from datetime import UTC, date, datetime

import pytest

from opmodel.errors import InvalidInput
from processes.models import SLAPolicy
from processes.versions import definition_changes
from reviews.definitions import Effect
from reviews.selectors.effect import effects
from reviews.services.decisions import decision_done, decision_make
from reviews.services.reviews import compute_agenda, review_close
from tests.processes.test_api import api_as
from tests.reviews.conftest import NOW
from tests.reviews.test_decisions import _weeks

CHANGED_AT = datetime(2026, 10, 14, 12, tzinfo=UTC)  # Wed of W42
DONE_AT = datetime(2026, 11, 4, 12, tzinfo=UTC)  # three weeks later


@pytest.fixture
def rule_decision(o2c, open_review, bob, alice, rhythms):
    review = open_review("weekly", held_on=date(2026, 10, 12))
    policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
    return decision_make(
        actor=bob, review=review, text="Shorten the SLA of Priced to 8 hours", owner=alice,
        due_on=date(2026, 11, 6), changes="rule", rule_kind="sla_policy", rule_id=policy.pk,
        metric="cycle_time_p85", expected="down", now=CHANGED_AT,
    )  # fmt: skip


def _shorten(o2c, bob):
    with definition_changes(by=bob, now=CHANGED_AT):
        policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
        policy.allowance_minutes = 8 * 60
        policy.save()


def test_marking_a_rule_decision_done_asks_for_its_version_or_a_reason(
    o2c, rule_decision, alice, bob
):
    _shorten(o2c, bob)
    with pytest.raises(InvalidInput) as refused:
        decision_done(actor=alice, decision=rule_decision, note="Done", now=DONE_AT)
    assert refused.value.errors == {
        "version_number": ["Link the rule version that carried it out, or say why there is none."]
    }
    with pytest.raises(InvalidInput) as refused:
        decision_done(actor=alice, decision=rule_decision, note="Done", now=DONE_AT,
                      version_number=9)  # fmt: skip
    assert refused.value.errors == {"version_number": ["The process has no version 9."]}
    answer = api_as(alice).post(
        f"/api/decisions/{rule_decision.pk}/done/",
        {"note": "Done", "version_number": 2},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["version"], answer.json()["no_version_reason"]) == (2, "")
    rule_decision.refresh_from_db()
    assert rule_decision.version.changes == ["SLA of Priced: 16 -> 8 business hours"]
    assert rule_decision.version.by == bob
    versions = api_as(bob).get("/api/processes/order-to-cash/versions/").json()
    assert [(v["version"], v["decision"]) for v in versions] == [(2, rule_decision.pk), (1, None)]


def test_a_rule_decision_without_a_version_says_why(o2c, rule_decision, alice):
    done = decision_done(actor=alice, decision=rule_decision, note="Done", now=DONE_AT,
                         no_version_reason="The supplier changed its terms instead.")  # fmt: skip
    assert done.version is None and done.no_version_reason.startswith("The supplier")


def test_did_it_work_reads_the_weeks_around_the_version(o2c, rule_decision, alice, bob):
    _shorten(o2c, bob)
    decision = decision_done(
        actor=alice, decision=rule_decision, note="Done", now=DONE_AT, version_number=2
    )
    # Four weeks before W42 and four after it; the weeks around the day it was marked done
    # (W45) are not all complete by W48, so counting from that day would still say pending.
    _weeks(o2c, date(2026, 10, 14), [9, 10, 11, 10], [7, 7, 6, 8])
    measured = effects([decision], today=NOW.date())[decision.pk]
    assert measured.effect == Effect.MOVED
    assert [w for w, _ in measured.before] == ["2026-W38", "2026-W39", "2026-W40", "2026-W41"]
    assert [w for w, _ in measured.after] == ["2026-W43", "2026-W44", "2026-W45", "2026-W46"]


def test_the_monthly_agenda_lists_the_rule_changes_since_the_last_monthly_review(
    o2c, rule_decision, open_review, alice, bob
):
    with definition_changes(by=bob, now=datetime(2026, 9, 30, 12, tzinfo=UTC)):
        transition = o2c.transitions.get(name="qualify")
        transition.label = "Qualify it"
        transition.save()
    last = open_review("monthly", held_on=date(2026, 10, 6))
    review_close(actor=bob, review=last, now=datetime(2026, 10, 6, 10, tzinfo=UTC))
    _shorten(o2c, bob)
    decision = decision_done(
        actor=alice, decision=rule_decision, note="Done", now=DONE_AT, version_number=3
    )
    monthly = open_review("monthly")
    sections = {s["slug"]: s for s in compute_agenda(monthly, now=NOW)["sections"]}
    items = sections["rule_changes"]["items"]
    assert [(i["key"].split(":")[0], i["text"], i["detail"]) for i in items] == [
        (
            "version",
            "Version 3: SLA of Priced: 16 -> 8 business hours",
            f"Oct 14, 2026, by bob; carried out decision #{decision.pk}",
        )
    ]


def test_a_rhythm_change_is_a_rule_version_in_words(o2c, rhythms, bob):
    from datetime import time

    with definition_changes(by=bob, now=CHANGED_AT):
        weekly = next(r for r in rhythms if r.level == "weekly")
        weekly.time_of_day = time(11)
        weekly.save()
    latest = o2c.versions.order_by("-number").first()
    assert (latest.by, latest.changes) == (bob, ["Rhythm weekly: time of day 10:00 -> 11:00"])
    assert [r["time_of_day"] for r in latest.document["rhythm"]] == ["09:30", "11:00", "10:00"]
