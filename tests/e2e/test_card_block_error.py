"""Issue 22: a block refused for a missing reason shows its error beside the form, in view (the
card page came back scrolled to its top, the form and its error far below)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from processes.models import Client
from processes.services import card_create
from tests.e2e.test_board_flow import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_block_without_a_reason_shows_its_error_in_view(page, o2c):
    from playwright.sync_api import expect

    call_command("seed_demo", cards=0)
    ops = get_user_model().objects.get(username="ops")
    client, _ = Client.objects.get_or_create(name="Acme Tools")
    card = card_create(actor=ops, process=o2c, title="Browser test: block", client=client)

    log_in(page, "ops")
    page.goto(f"/cards/{card.pk}/")
    page.get_by_role("button", name="Block card").click()

    error = page.locator("#block .field-error")
    expect(error).to_be_visible()
    expect(error).to_be_in_viewport()
    assert page.url.endswith("#block")
