"""Templates (issue 26, point 2) and the API of a process as a document (point 8): the shipped
documents import cleanly and equal the export of the processes the migrations install; the
"New process" page and POST /api/processes/ create a process from one, for superusers and the
accountable of some process only; GET .../definition/ for role holders only."""

import importlib

import pytest
from django.apps import apps as django_apps

from processes.blueprints import document_problems, process_document, process_from_document
from processes.models import DefinitionVersion, Process
from processes.process_templates import PROCESS_TEMPLATES
from roles.models import ProcessRole
from tests.processes.test_api import api_as


@pytest.fixture
def installed(o2c):
    """The shipped templates' processes as the migrations leave them (a transactional test
    before may have flushed them: the o2c fixture and the apps' migrations install them
    again)."""
    importlib.import_module("stock.migrations.0002_purchasing_and_order_to_cash").install(
        django_apps, None
    )
    _install_again("service.migrations.0002_customer_service_process")
    _install_again("sales.migrations.0002_reactivation_process")
    return {p.slug: p for p in Process.objects.filter(slug__in=PROCESS_TEMPLATES)}


def _install_again(migration: str) -> None:
    importlib.import_module(migration).install(django_apps, None)


def test_each_shipped_template_equals_the_export_of_the_installed_process(installed, bob):
    shipped = ("order-to-cash", "purchasing", "customer-service", "reactivation")
    assert set(PROCESS_TEMPLATES) >= set(shipped)
    for slug in shipped:
        document = PROCESS_TEMPLATES[slug].document()
        assert document_problems(document) == []
        assert document == process_document(installed[slug]), slug
        made = process_from_document(document, slug=f"{slug}-2", name=f"{slug} 2", by=bob)
        assert process_document(made) == document


def test_new_process_page_creates_from_a_template_or_a_copy(installed, client, bob):
    client.force_login(bob)
    page = client.get("/processes/new/")
    assert page.status_code == 200
    assert b"Purchasing" in page.content and b"template:purchasing" in page.content
    answer = client.post(
        "/processes/new/", {"source": "template:purchasing", "slug": "buying", "name": "Buying"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/processes/buying/"
    buying = Process.objects.get(slug="buying")
    assert process_document(buying) == PROCESS_TEMPLATES["purchasing"].document()
    assert DefinitionVersion.objects.get(process=buying).changes == [
        "Created from the template Purchasing."
    ]
    answer = client.post(
        "/processes/new/", {"source": "process:order-to-cash", "slug": "o2c-b", "name": "B"}
    )
    assert answer.status_code == 302
    assert process_document(Process.objects.get(slug="o2c-b")) == process_document(
        installed["order-to-cash"]
    )
    # A slug taken: the page says so, nothing is made.
    answer = client.post(
        "/processes/new/", {"source": "template:purchasing", "slug": "buying", "name": "Again"}
    )
    assert answer.status_code == 200 and b"exists already" in answer.content
    assert Process.objects.filter(name="Again").count() == 0


def test_new_process_page_is_for_the_accountable_or_superusers(installed, client, alice, charlie):
    for person in (alice, charlie):  # an executor, an outsider
        client.force_login(person)
        assert client.get("/processes/new/").status_code == 403
        assert api_as(person).post("/api/processes/", {}, format="json").status_code == 403


def test_api_definition_and_create(installed, bob, charlie):
    api = api_as(bob)
    answer = api.get("/api/processes/order-to-cash/definition/")
    assert answer.status_code == 200
    document = answer.json()
    assert document == process_document(installed["order-to-cash"])
    assert api_as(charlie).get("/api/processes/order-to-cash/definition/").status_code == 404
    made = api.post(
        "/api/processes/", {"slug": "o2c-api", "name": "O2C API", "definition": document},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["slug"] == "o2c-api" and made.json()["owner"] == "bob"
    assert api.get("/api/processes/o2c-api/definition/").json() == document
    assert ProcessRole.objects.filter(process_id=Process.objects.get(slug="o2c-api").pk).exists()
    document["transitions"][0]["to"] = "nowhere"
    refused = api.post(
        "/api/processes/", {"slug": "bad", "name": "Bad", "definition": document}, format="json"
    )
    assert refused.status_code == 400
    problems = refused.json()["problems"]
    # The broken move, then what it leaves unreachable (everything after received but lost).
    assert problems[:2] == [
        "Transition 'qualify': it leads to 'nowhere', a status the process does not have.",
        "Status 'qualified': nobody can reach it: no transition leads to it from "
        "'received', where cards start.",
    ]
    assert len(problems) == 7
    assert not Process.objects.filter(slug="bad").exists()
    missing = api.post("/api/processes/", {"name": 3}, format="json")
    assert missing.status_code == 400
    assert missing.json()["problems"] == [
        "slug: give it as text.",
        "name: give it as text.",
        "definition: give the process document.",
    ]


def test_the_standard_hours_are_referenced_so_an_edited_standard_calendar_takes_any_template(
    installed, bob
):
    from processes.models import BusinessCalendar

    assert PROCESS_TEMPLATES["order-to-cash"].document()["calendar"] is None
    standard = BusinessCalendar.objects.standard()
    standard.day_end = standard.day_end.replace(hour=17)
    standard.save()
    made = process_from_document(
        PROCESS_TEMPLATES["order-to-cash"].document(), slug="o2c-x", name="X", by=bob
    )
    assert made.calendar_id is None  # it counts on this installation's standard hours
