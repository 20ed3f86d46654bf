"""PATCH /api/processes/{slug}/definition/: a whole document applied through the designer's
check and recorded as one rule version; 400 with every problem and nothing written; 403 for a
role holder who may not design, 404 for an outsider, 409 for a stale version."""

import copy

import pytest

from processes.blueprints import process_document
from processes.models import DefinitionVersion
from tests.designer.conftest import definition_rows
from tests.processes.test_api import api_as

URL = "/api/processes/order-to-cash/definition/"


@pytest.fixture
def document(o2c):
    return process_document(o2c)


def _clock(document, status, priority="any"):
    return next(c for c in document["sla"] if (c["status"], c["priority"]) == (status, priority))


def test_a_document_with_a_shorter_sla_is_one_version_in_words(o2c, bob, document, at_change):
    _clock(document, "priced")["allowance_minutes"] = 8 * 60
    answer = api_as(bob).patch(URL, document, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"version": 2, "changes": ["SLA of Priced: 16 -> 8 business hours"]}
    assert api_as(bob).get(URL).json() == document
    again = api_as(bob).patch(URL, document, format="json")
    assert again.json() == {"version": None, "changes": []}


def test_a_document_reshaped_comes_back_as_sent(o2c, bob, document, at_change):
    changed = copy.deepcopy(document)
    changed["statuses"].insert(
        3,
        {"slug": "checked", "name": "Checked", "next_action": "Check the offer", "final": False,
         "outcome": "", "commitment_point": False, "waiting_on_customer": False,
         "deadline_source": "", "stage_group": None, "stage_assignment": "queue"},
    )  # fmt: skip
    agree = next(t for t in changed["transitions"] if t["name"] == "agree")
    agree["from"] = ["checked"]
    changed["transitions"].insert(
        2,
        {"name": "check", "label": "Check", "from": ["priced"], "to": "checked",
         "roles": ["accountable"], "conditions": ["has_price"], "effects": []},
    )  # fmt: skip
    for t in changed["transitions"]:
        if t["name"] == "mark_lost":
            t["from"].insert(3, "checked")
    changed["sla"].insert(7, {"status": "checked", "priority": "any", "allowance_minutes": 120,
                              "at_risk_percent": 50})  # fmt: skip
    changed["block_reasons"] = changed["block_reasons"][:-1]
    changed["exception_rules"] = [r for r in changed["exception_rules"] if r["level"] != 2]
    answer = api_as(bob).patch(URL, changed, format="json")
    assert answer.status_code == 200, answer.content
    assert api_as(bob).get(URL).json() == changed
    assert "Status Checked added" in answer.json()["changes"]
    assert "Transition Check added" in answer.json()["changes"]
    assert "Block reason Internal dispute removed" in answer.json()["changes"]


def test_a_document_with_problems_is_refused_whole(o2c, bob, document, at_change):
    before = definition_rows(o2c)
    document["transitions"] = [t for t in document["transitions"] if t["name"] != "qualify"]
    _clock(document, "priced")["allowance_minutes"] = 8 * 60
    document["transitions"][0]["conditions"].append("moon_is_full")
    answer = api_as(bob).patch(URL, document, format="json")
    assert answer.status_code == 400
    problems = answer.json()["problems"]
    assert "Transition 'price': the app knows no condition 'moon_is_full'." in problems
    assert any(p.startswith("Status 'qualified': nobody can reach it") for p in problems)
    assert definition_rows(o2c) == before
    assert not DefinitionVersion.objects.filter(process=o2c).exists()
    assert api_as(bob).patch(URL, [1, 2], format="json").json() == {
        "problems": ["The document must be a JSON object."]
    }


def test_the_rhythm_is_not_the_designers(o2c, bob):
    from datetime import time

    from reviews.models import Rhythm

    Rhythm.objects.create(process=o2c, level="daily", time_of_day=time(9, 30))
    document = process_document(o2c)
    document["rhythm"][0]["time_of_day"] = "11:00"
    answer = api_as(bob).patch(URL, document, format="json")
    assert answer.status_code == 400
    assert any(p.startswith("rhythm:") for p in answer.json()["problems"]), answer.json()


def test_who_may_patch_and_a_stale_version(o2c, bob, alice, charlie, document, at_change):
    _clock(document, "priced")["allowance_minutes"] = 8 * 60
    assert api_as(alice).patch(URL, document, format="json").status_code == 403
    assert api_as(charlie).patch(URL, document, format="json").status_code == 404
    assert not DefinitionVersion.objects.filter(process=o2c).exists()
    assert api_as(bob).patch(f"{URL}?version=0", document, format="json").status_code == 200
    _clock(document, "priced")["allowance_minutes"] = 12 * 60
    stale = api_as(bob).patch(f"{URL}?version=0", document, format="json")
    assert stale.status_code == 409
    assert "it is now at version 2" in stale.json()["detail"]
    assert api_as(bob).patch(f"{URL}?version=two", document, format="json").status_code == 400
