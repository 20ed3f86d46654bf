"""The management rhythm in a browser on the seeded demo: the manager opens today's daily
review, sees the blocked and at-risk cards, records a decision for `ops` with a due date and
closes the review; `ops` finds it among open decisions and marks it done; the owner sees model
health change."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from processes.models import BlockReason, Process, RequestCard, Status
from reviews.models import Rhythm
from roles.models import ProcessRole, RoleKind
from tests.e2e.test_accessibility import violations
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_daily_review_ends_in_a_decision_that_ops_closes(page, screenshot):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=40, verbosity=0)
    now = timezone.now()
    finals = Status.objects.filter(final=True).values_list("slug", flat=True)
    open_cards = RequestCard.objects.exclude(status__in=list(finals)).order_by("id")
    blocked, late = open_cards[0], open_cards[1]
    reason = BlockReason.objects.filter(process=blocked.process).first()
    RequestCard.objects.filter(pk=blocked.pk).update(
        is_blocked=True, block_reason=reason, blocked_at=now - timedelta(days=2)
    )
    RequestCard.objects.filter(pk=late.pk).update(
        sla_allowance=60, sla_resumed_at=now - timedelta(hours=3),
        at_risk_at=now - timedelta(hours=2), due_at=now - timedelta(hours=1),
    )  # fmt: skip

    log_in(page, "owner")
    page.goto("/model-health/?process=order-to-cash")
    on_time = page.get_by_test_id("figure-decisions_on_time")
    expect(on_time).to_contain_text("nothing to count yet")
    log_out(page)

    log_in(page, "manager")
    page.goto("/reviews/?process=order-to-cash")
    page.get_by_role("button", name="Open today's daily review").click()
    expect(page.get_by_role("heading", name=re.compile("Daily review of"))).to_be_visible()
    expect(page.get_by_test_id("section-blocked")).to_contain_text(blocked.title)
    expect(page.get_by_test_id("section-at_risk")).to_contain_text(late.title)
    page.get_by_label("Decision", exact=True).fill("Get the stock for the blocked order")
    page.get_by_label("Owner", exact=True).select_option(label="Olivia Ops")
    due = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("Get the stock")
    screenshot("reviews_01_daily", full_page=False)
    problems = {"review": violations(page)}
    page.get_by_role("button", name="Close the review").click()
    expect(page.get_by_test_id("review-state")).to_have_text("Closed")
    page.goto("/reviews/?process=order-to-cash")
    problems["reviews"] = violations(page)
    log_out(page)

    log_in(page, "ops")
    page.goto("/decisions/")
    row = page.get_by_role("row", name=re.compile("Get the stock"))
    expect(row).to_contain_text("Olivia Ops (you)")
    problems["decisions"] = violations(page)
    row.get_by_label("What was done").fill("Stock arrived on Thursday")
    row.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Decision marked done.")).to_be_visible()
    page.goto("/decisions/?state=done")
    expect(page.get_by_test_id("decision-list")).to_contain_text("on time")
    log_out(page)

    log_in(page, "owner")
    page.goto("/model-health/?process=order-to-cash")
    expect(page.get_by_test_id("figure-decisions_on_time")).to_contain_text("1 of 1 (100%)")
    screenshot("reviews_02_model_health", full_page=False)
    problems["model health"] = violations(page)
    failing = [f"{name}: {line}" for name, found in problems.items() for line in found]
    assert not failing, "\n".join(failing)


def _open_daily_with_items(page, expect):
    """The demo with three open cards that must appear on the daily agenda; the manager opens
    today's daily review. Returns the three agenda rows' keys."""
    call_command("seed_demo", cards=40, verbosity=0)
    now = timezone.now()
    finals = Status.objects.filter(final=True).values_list("slug", flat=True)
    cards = list(RequestCard.objects.exclude(status__in=list(finals)).order_by("id")[:3])
    reason = BlockReason.objects.filter(process=cards[0].process).first()
    RequestCard.objects.filter(pk__in=[c.pk for c in cards]).update(
        is_blocked=True, block_reason=reason, blocked_at=now - timedelta(days=2)
    )
    log_in(page, "manager")
    page.goto("/reviews/?process=order-to-cash")
    page.get_by_role("button", name="Open today's daily review").click()
    expect(page.get_by_test_id("review-state")).to_have_text("Open")
    return [f"card:{c.pk}" for c in cards]


def _row(page, key):
    return page.get_by_test_id("section-blocked").locator(f'tr[data-key="{key}"]')


def _record_decision(page, text):
    page.get_by_label("Decision", exact=True).fill(text)
    page.get_by_label("Owner", exact=True).select_option(label="Olivia Ops")
    page.get_by_label("Due on").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Record decision").click()


def test_a_note_and_a_tick_survive_recording_a_decision(page):
    from playwright.sync_api import expect

    first, second, _ = _open_daily_with_items(page, expect)
    _row(page, first).get_by_placeholder("Note").fill("Customer promised the papers today")
    _row(page, second).get_by_label("discussed").check()
    _record_decision(page, "Chase the papers before noon")
    expect(page.get_by_test_id("decisions")).to_contain_text("Chase the papers")
    expect(_row(page, first).get_by_placeholder("Note")).to_have_value(
        "Customer promised the papers today"
    )
    expect(_row(page, second).get_by_label("discussed")).to_be_checked()
    page.reload()  # kept on the server, not only in the page
    expect(_row(page, first).get_by_placeholder("Note")).to_have_value(
        "Customer promised the papers today"
    )
    expect(_row(page, second).get_by_label("discussed")).to_be_checked()


def test_leaving_a_review_with_unsaved_input_asks_first(page):
    from playwright.sync_api import expect

    first, *_ = _open_daily_with_items(page, expect)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    _row(page, first).get_by_placeholder("Note").fill("Not saved yet")
    page.get_by_role("link", name="All reviews").click()
    expect(page.get_by_test_id("review-state")).to_have_text("Open")
    assert dialogs == ["beforeunload"]
    expect(_row(page, first).get_by_placeholder("Note")).to_have_value("Not saved yet")


def test_a_closed_review_shows_its_notes_and_carries_over_only_what_was_not_discussed(page):
    from playwright.sync_api import expect

    noted, ticked, skipped = _open_daily_with_items(page, expect)
    _row(page, noted).get_by_placeholder("Note").fill("Papers due Friday")
    _row(page, ticked).get_by_label("discussed").check()
    page.get_by_label("Olivia Ops").check()  # attendees
    _record_decision(page, "Ask for the papers by mail")
    page.get_by_role("button", name="Close the review").click()
    expect(page.get_by_test_id("review-state")).to_have_text("Closed")
    expect(page.get_by_test_id("attendees")).to_contain_text("Olivia Ops")
    expect(_row(page, noted).get_by_test_id("note")).to_have_text("Papers due Friday")
    expect(_row(page, ticked).get_by_test_id("discussed")).to_be_visible()
    expect(_row(page, skipped).get_by_test_id("carried")).to_have_text(
        "not discussed: carried over"
    )
    expect(_row(page, noted).get_by_test_id("carried")).to_have_count(0)
    expect(_row(page, ticked).get_by_test_id("carried")).to_have_count(0)
    expect(page.get_by_test_id("decisions")).to_contain_text("Ask for the papers by mail")


def test_the_rhythms_facilitator_runs_and_closes_a_review_without_being_accountable(page):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=10, verbosity=0)
    process = Process.objects.get(slug="order-to-cash")
    Rhythm.objects.create(
        process=process, level="monthly", time_of_day=time(10), weekday=2, nth=1,
        facilitator_kind=RoleKind.APPROVER,
    )  # fmt: skip
    owner = get_user_model().objects.get(username="owner")
    assert not ProcessRole.objects.filter(
        process_id=process.pk, user=owner, kind=RoleKind.ACCOUNTABLE
    ).exists()
    log_in(page, "owner")
    page.goto("/reviews/?process=order-to-cash")
    expect(page.get_by_role("button", name="Open today's daily review")).to_have_count(0)
    page.get_by_role("button", name="Open today's monthly review").click()
    expect(page.get_by_role("heading", name=re.compile("Monthly review of"))).to_be_visible()
    page.get_by_label("Decision", exact=True).fill("Lower the discount threshold to 8%")
    page.get_by_label("Owner", exact=True).select_option(label="Mark Manager")
    page.get_by_label("Due on").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("Lower the discount threshold")
    page.get_by_role("button", name="Close the review").click()
    expect(page.get_by_test_id("review-state")).to_have_text("Closed")
    assert "Oscar Owner" in page.inner_text("main")


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 7, 8, 12, tzinfo=UTC),  # CEST, UTC+2
        datetime(2026, 12, 2, 12, tzinfo=UTC),  # CET, UTC+1
    ],
    ids=["summer", "winter"],
)
def test_the_rhythms_next_time_reads_as_set_in_summer_and_winter(page, settings, now):
    from playwright.sync_api import expect

    # Chromium keeps the real clock: a session cookie without an expiry survives the move.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    call_command("seed_demo", cards=5, verbosity=0)
    process = Process.objects.get(slug="order-to-cash")
    Rhythm.objects.create(process=process, level="weekly", time_of_day=time(9, 30), weekday=1)
    with time_machine.travel(now, tick=True):
        log_in(page, "manager")
        page.goto("/reviews/?process=order-to-cash")
        expect(page.get_by_test_id("rhythm-weekly")).to_contain_text("Mondays at 09:30")
        expect(page.get_by_test_id("next-weekly")).to_have_text(re.compile(r"^Mon, .*, 09:30$"))
        expect(page.get_by_text("Times in Europe/Berlin")).to_be_visible()
