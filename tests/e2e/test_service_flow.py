"""Issue 26's browser test of customer service: the manager records a complaint from a shipped
order's page, the service desk moves it to its resolution, and the manager finds it counted in
the quality figures of the week on order to cash's weekly dashboard."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from metrics.services import weekly_snapshot_compute
from metrics.weeks import week_of
from processes.models import Client, Process, RequestCard
from processes.services import card_transition
from processes.services.handoffs import card_take
from tests.conftest import settle
from tests.e2e.test_approval_flow import log_out
from tests.e2e.test_board_flow import log_in, move
from tests.stage_people import agreed_card

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_complaint_about_an_order_is_resolved_and_counted_in_the_week(page, screenshot, o2c):
    from playwright.sync_api import expect

    if not Process.objects.filter(slug="customer-service").exists():
        importlib.import_module("service.migrations.0002_customer_service_process").install(
            django_apps, None
        )
    call_command("seed_demo", cards=0)  # the demo logins, service's among them
    users = get_user_model().objects.in_bulk(["ops", "warehouse"], field_name="username")
    acme, _ = Client.objects.get_or_create(name="Acme Tools")
    order = agreed_card(o2c, users["ops"], acme, title="Browser test: drills")
    card_transition(actor=users["ops"], card=order, name="invoice")
    settle(order)
    order = card_take(actor=users["warehouse"], card=RequestCard.objects.get(pk=order.pk))
    card_transition(actor=users["warehouse"], card=order, name="fulfil")

    # The manager records the complaint from the order's page.
    log_in(page, "manager")
    page.goto(f"/cards/{order.pk}/")
    page.get_by_role("link", name="Complaint about this order").click()
    page.get_by_label("Reason").select_option("damaged")
    page.get_by_label("What is returned").fill("2 drills")
    page.get_by_role("button", name="Record the complaint").click()
    expect(page.get_by_test_id("complaint")).to_contain_text("Damaged goods")
    expect(page.get_by_test_id("complaint")).to_contain_text(f"#{order.pk} Browser test: drills")
    complaint = RequestCard.objects.get(process__slug="customer-service")
    screenshot("26_complaint_recorded")
    log_out(page)

    # The service desk takes it and moves it to its resolution.
    log_in(page, "service")
    page.goto("/?process=customer-service")
    expect(page.get_by_role("link", name="+ New complaint")).to_be_visible()
    page.goto(f"/cards/{complaint.pk}/")
    page.get_by_role("button", name="Assign to me").click()
    move(page, expect, "triage", "Triage", "triaged")
    move(page, expect, "investigate", "Investigate", "investigating")
    move(page, expect, "propose", "Propose a resolution", "proposed")
    move(page, expect, "await_return", "Await the return", "awaiting_return")
    move(page, expect, "resolve", "Resolve", "resolved")
    screenshot("26_complaint_resolved")
    log_out(page)

    # Counted in the week's quality figures on order to cash's dashboard, with its card.
    week = week_of(o2c, timezone.now())
    weekly_snapshot_compute(process_id=o2c.pk, week=week)
    log_in(page, "manager")
    page.goto(f"/dashboards/weekly/?process=order-to-cash&week={week}")
    quality = page.get_by_test_id("quality")
    expect(quality.locator('[data-figure="complaints"]')).to_have_text("1")
    expect(quality.locator('[data-figure="shipped"]')).to_have_text("1")
    expect(quality.locator('[data-figure="complaints_per_100_shipped"]')).to_have_text("100.0")
    expect(page.get_by_test_id("top-reasons")).to_contain_text("Damaged goods: 1")
    screenshot("26_quality_figures")
    quality.locator('[data-figure="complaints"] a').click()
    expect(page.get_by_test_id("cards-total")).to_have_text("1")
    expect(page.get_by_role("link", name=f"#{complaint.pk} ")).to_be_visible()
