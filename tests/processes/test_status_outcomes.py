"""What statuses mean for the metrics is data: outcomes of final statuses, the commitment point."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from processes.models import Process, Status, StatusOutcome
from processes.selectors import outcome_statuses


def test_order_to_cash_is_agreed_at_agreed_won_at_closed_lost_at_lost(o2c):
    assert outcome_statuses(o2c) == ("agreed", ("closed",), ("lost",))


@pytest.fixture
def deals(db) -> Process:
    """A second process whose statuses have other slugs."""
    process = Process.objects.create(slug="deals", name="Deals")
    for order, (slug, final, outcome, commitment) in enumerate(
        [
            ("lead", False, "", False),
            ("signed", False, "", True),
            ("paid", True, StatusOutcome.WON, False),
            ("renewed", True, StatusOutcome.WON, False),
            ("dropped", True, StatusOutcome.LOST, False),
            ("archived", True, "", False),
        ]
    ):
        Status.objects.create(
            process=process,
            slug=slug,
            name=slug.title(),
            order=order,
            final=final,
            outcome=outcome,
            commitment_point=commitment,
        )
    return process


def test_another_process_gets_its_own_outcomes_in_one_query(deals, django_assert_num_queries):
    with django_assert_num_queries(1):
        outcomes = outcome_statuses(deals)
    assert outcomes.commitment == "signed"
    assert outcomes.won == ("paid", "renewed")
    assert outcomes.lost == ("dropped",)  # archived is final with no outcome: neither


def test_a_process_without_the_flags_has_no_outcomes(db):
    process = Process.objects.create(slug="bare", name="Bare")
    Status.objects.create(process=process, slug="done", name="Done", final=True)
    assert outcome_statuses(process) == (None, (), ())


def test_a_process_has_one_commitment_point_at_most(deals):
    second = Status(process=deals, slug="quoted", name="Quoted", commitment_point=True)
    with pytest.raises(ValidationError, match="one commitment point at most"):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_only_a_final_status_has_an_outcome(deals):
    open_won = Status(process=deals, slug="hoped", name="Hoped", outcome=StatusOutcome.WON)
    with pytest.raises(ValidationError) as refused:
        open_won.full_clean()
    assert "outcome" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        open_won.save()


def test_the_admin_refuses_two_commitment_points_in_one_save(admin_client):
    data = {
        "name": "Two points",
        "slug": "two-points",
        "is_active": "on",
        "statuses-TOTAL_FORMS": "2",
        "statuses-INITIAL_FORMS": "0",
        "statuses-MIN_NUM_FORMS": "0",
        "statuses-MAX_NUM_FORMS": "1000",
        "block_reasons-TOTAL_FORMS": "0",
        "block_reasons-INITIAL_FORMS": "0",
        "role_grants-TOTAL_FORMS": "0",
        "role_grants-INITIAL_FORMS": "0",
    }
    for i, slug in enumerate(["quoted", "signed"]):
        data |= {
            f"statuses-{i}-order": str(i),
            f"statuses-{i}-slug": slug,
            f"statuses-{i}-name": slug.title(),
            f"statuses-{i}-commitment_point": "on",
        }
    response = admin_client.post("/admin/processes/process/add/", data)
    assert response.status_code == 200
    assert "one commitment point at most" in response.content.decode()
    assert not Process.objects.filter(slug="two-points").exists()
