"""GET /api/metrics/weekly/: a week's figures as JSON, for the processes the user may see."""

import pytest
import time_machine
from rest_framework.test import APIClient

from metrics.services import weekly_snapshot_compute
from tests.metrics.test_flow_metrics import NOW, WEEK, history  # noqa: F401 (a fixture)

URL = "/api/metrics/weekly/"
DESIGN_NAMES = {
    "intake",
    "throughput",
    "wip",
    "work_item_age",
    "aging_wip",
    "cycle_time",
    "lead_time",
    "time_in_status",
    "flow_efficiency",
    "blocked",
    "sla",
    "ownership",
    "conversion",
    "win_rate",
    "margin",
    "repeat_requests",
    "cumulative_flow",
}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def computed(history, o2c):  # noqa: F811
    return weekly_snapshot_compute(process_id=o2c.pk, week=WEEK, now=NOW)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_week_comes_back_with_design_names(computed, alice):
    response = api(alice).get(URL, {"process": "order-to-cash", "week": WEEK})

    assert response.status_code == 200
    data = response.json()
    assert DESIGN_NAMES <= set(data)
    assert (data["process"], data["week"], data["complete"]) == ("order-to-cash", WEEK, True)
    assert data["intake"] == {"total": 3, "by_channel": {"email": 2, "phone": 1}}
    assert data["cycle_time"]["week"] == {"count": 3, "p50": 1.5, "p85": 7.45, "p95": 9.15}
    assert data["computed_at"] == NOW.isoformat()


def test_the_week_defaults_to_the_last_complete_one(computed, alice):
    response = api(alice).get(URL, {"process": "order-to-cash"})
    assert response.status_code == 200
    assert response.json()["week"] == WEEK


def test_a_week_not_computed_yet_is_not_found_with_a_hint(computed, alice):
    response = api(alice).get(URL, {"process": "order-to-cash", "week": "2026-W40"})
    assert response.status_code == 404
    assert "metrics_backfill" in response.json()["detail"]


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W99", "2026 has no ISO week 99"),
        ("abc", "is not an ISO week such as 2026-W47"),
        ("2026-W50", "2026-W50 has not started yet."),
    ],
)
def test_a_bad_week_is_a_400_with_a_message(computed, alice, week, message):
    response = api(alice).get(URL, {"process": "order-to-cash", "week": week})
    assert response.status_code == 400
    assert message in response.json()["week"][0]


def test_the_process_is_required(computed, alice):
    response = api(alice).get(URL, {"week": WEEK})
    assert response.status_code == 400
    assert response.json() == {"process": ["Give the process, e.g. process=order-to-cash."]}


def test_an_outsider_gets_404_for_a_process_they_cannot_see(computed, charlie):
    response = api(charlie).get(URL, {"process": "order-to-cash", "week": WEEK})
    assert response.status_code == 404
    assert "intake" not in response.json()


def test_an_unknown_process_is_404(computed, alice):
    assert api(alice).get(URL, {"process": "nope", "week": WEEK}).status_code == 404


def test_the_api_needs_a_login(computed):
    assert api().get(URL, {"process": "order-to-cash", "week": WEEK}).status_code in (401, 403)


def test_the_api_is_read_only(computed, alice):
    response = api(alice).post(URL, {"process": "order-to-cash", "week": WEEK})
    assert response.status_code == 405
