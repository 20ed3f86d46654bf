"""The rule history (issue 26, point 4): every recorded change to a definition is a version with
its words, who and when; an SLA change 16 -> 8 business hours applies to cards entering the
status afterwards; the admin records one version per save; the API lists them."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from processes.blueprints import process_clone
from processes.models import DefinitionVersion, SLAPolicy
from processes.services import card_create, card_item_add, card_transition
from processes.versions import BASELINE, definition_changes
from tests.conftest import PASSWORD
from tests.processes.test_api import api_as

AT = datetime(2030, 1, 14, 9, tzinfo=UTC)  # Monday 10:00 Berlin
LATER = datetime(2030, 1, 15, 9, tzinfo=UTC)


def _priced(o2c, alice, acme, at):
    card = card_create(actor=alice, process=o2c, title="Drills", client=acme, at=at)
    card = card_transition(actor=alice, card=card, name="qualify", at=at)
    card_item_add(actor=alice, card=card, product="Drill", quantity=Decimal("1"),
                  unit_price=Decimal("10"), unit_cost=Decimal("5"))  # fmt: skip
    card.refresh_from_db()
    return card_transition(actor=alice, card=card, name="price", at=at)


def _shorten_priced(o2c, bob, now):
    with definition_changes(by=bob, now=now):
        policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
        policy.allowance_minutes = 8 * 60
        policy.save()


def test_an_sla_change_is_a_version_in_words_for_cards_entering_afterwards(o2c, alice, bob, acme):
    before = _priced(o2c, alice, acme, AT)
    _shorten_priced(o2c, bob, AT)
    versions = list(DefinitionVersion.objects.filter(process=o2c).order_by("number"))
    # The first recorded change keeps the definition as it stood, then the change itself.
    assert [(v.number, v.by, v.changes) for v in versions] == [
        (1, None, [BASELINE]),
        (2, bob, ["SLA of Priced: 16 -> 8 business hours"]),
    ]
    assert versions[1].at == AT
    assert {"status": "priced", "priority": "any", "allowance_minutes": 480,
            "at_risk_percent": 75} in versions[1].document["sla"]  # fmt: skip
    # The card already in Priced keeps its 16 hours; one entering afterwards gets 8.
    before.refresh_from_db()
    after = _priced(o2c, alice, acme, LATER)
    assert before.sla_allowance == 16 * 3600
    assert after.sla_allowance == 8 * 3600


def test_nothing_changed_writes_no_version_and_a_failed_block_writes_none(o2c, bob):
    with definition_changes(by=bob):
        policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
        policy.save()
    assert not DefinitionVersion.objects.filter(process=o2c).exists()
    with pytest.raises(RuntimeError), definition_changes(by=bob):
        SLAPolicy.objects.filter(process=o2c).first().delete()
        raise RuntimeError("changed my mind")
    assert not DefinitionVersion.objects.filter(process=o2c).exists()
    assert SLAPolicy.objects.filter(process=o2c).count() == 11


def test_changes_outside_the_recorded_paths_are_named_at_the_next_version(o2c, bob, alice):
    _shorten_priced(o2c, bob, AT)
    # A data migration or the shell: no version of its own.
    SLAPolicy.objects.filter(process=o2c, status__slug="agreed", priority="").update(
        allowance_minutes=4 * 60
    )
    with definition_changes(by=alice, now=LATER):
        transition = o2c.transitions.get(name="qualify")
        transition.label = "Qualify it"
        transition.save()
    versions = list(DefinitionVersion.objects.filter(process=o2c).order_by("number"))
    assert [v.changes for v in versions[2:]] == [
        [
            "Changed outside the recorded paths (a data migration or the shell): "
            "SLA of Agreed: 8 -> 4 business hours"
        ],
        ["Transition Qualify it: label Qualify -> Qualify it"],
    ]
    assert [v.by for v in versions[2:]] == [None, alice]


def test_the_admin_records_one_version_per_save_by_the_person(o2c, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(admin)
    policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
    url = f"/admin/processes/slapolicy/{policy.pk}/change/"
    answer = client.post(
        url,
        {"process": o2c.pk, "status": policy.status_id, "priority": "",
         "allowance_minutes": 480, "at_risk_percent": 80},
    )  # fmt: skip
    assert answer.status_code == 302, answer.content[:2000]
    latest = DefinitionVersion.objects.filter(process=o2c).order_by("-number").first()
    assert latest.by == admin
    assert latest.changes == [
        "SLA of Priced: 16 -> 8 business hours",
        "SLA of Priced: at risk at 75% -> 80%",
    ]


def test_versions_are_kept_for_good(o2c, bob):
    copy_of = process_clone(o2c, slug="copy", name="Copy", by=bob)
    with pytest.raises(ProtectedError):
        copy_of.delete()


def test_versions_api_lists_them_newest_first_for_role_holders_only(o2c, bob, charlie):
    _shorten_priced(o2c, bob, AT)
    answer = api_as(bob).get("/api/processes/order-to-cash/versions/")
    assert answer.status_code == 200
    assert answer.json() == [
        {"version": 2, "at": "2030-01-14T09:00:00Z", "by": "bob",
         "changes": ["SLA of Priced: 16 -> 8 business hours"], "decision": None},
        {"version": 1, "at": "2030-01-14T09:00:00Z", "by": None, "changes": [BASELINE],
         "decision": None},
    ]  # fmt: skip
    assert api_as(charlie).get("/api/processes/order-to-cash/versions/").status_code == 404


def test_the_rules_page_shows_the_rule_history(o2c, bob, charlie, client):
    _shorten_priced(o2c, bob, AT)
    client.force_login(bob)
    page = client.get("/processes/order-to-cash/").content.decode()
    assert (
        '<tr data-version="2"><th scope="row">2</th><td>Jan 14, 2030 10:00</td><td>bob</td>' in page
    )
    assert "SLA of Priced: 16 -&gt; 8 business hours" in page
    client.force_login(charlie)
    assert client.get("/processes/order-to-cash/").status_code == 404
