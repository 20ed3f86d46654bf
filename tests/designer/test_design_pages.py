"""The designer's pages: each kind of edit applied as one rule version with its words, or
refused with the problem named and nothing written; who may design; the stale page's 409; the
designed map beside the form; the link from the rules page."""

import re

import pytest

from processes.models import (
    BlockReason,
    DefinitionVersion,
    ExceptionRule,
    SLAPolicy,
    Status,
    Transition,
)
from processes.versions import BASELINE
from tests.designer.conftest import definition_rows, design_post

BASE = "/processes/order-to-cash/design/"


@pytest.fixture
def designer(client, bob, at_change):
    client.force_login(bob)
    return client


def _latest(o2c):
    return DefinitionVersion.objects.filter(process=o2c).order_by("-number").first()


def _refused(o2c, answer, before, problem):
    assert answer.status_code == 400, answer.content[:3000]
    assert problem in answer.content.decode(), re.findall(
        r"<li>[^<]*</li>", answer.content.decode()
    )
    assert definition_rows(o2c) == before
    assert not DefinitionVersion.objects.filter(process=o2c).exists()


def _status_data(status, **changes):
    data = {
        "name": status.name,
        "slug": status.slug,
        "next_action": status.next_action,
        "order": status.order,
        "final": "on" if status.final else "",
        "commitment_point": "on" if status.commitment_point else "",
        "waiting_on_customer": "on" if status.waiting_on_customer else "",
        "outcome": status.outcome,
        "deadline_source": status.deadline_source,
        "stage_group": status.stage_group_id or "",
        "stage_assignment": status.stage_assignment,
        **changes,
    }
    return {k: v for k, v in data.items() if v != ""}


def _transition_data(transition, **changes):
    data = {
        "label": transition.label,
        "name": transition.name,
        "sources": [s.pk for s in transition.sources.all()],
        "target": transition.target_id,
        "allowed_roles": transition.allowed_roles,
        "order": transition.order,
        "conditions_text": ", ".join(transition.conditions),
        "effects_text": ", ".join(transition.effects),
        **changes,
    }
    return data


def test_a_status_edit_is_a_version_in_words(designer, o2c, bob):
    received = Status.objects.get(process=o2c, slug="received")
    answer = design_post(
        designer,
        f"{BASE}statuses/{received.pk}/",
        _status_data(received, next_action="Call the customer back within the hour"),
    )
    assert answer.status_code == 302, answer.content[:3000]
    versions = list(DefinitionVersion.objects.filter(process=o2c).order_by("number"))
    assert [v.changes for v in versions][0] == [BASELINE]
    assert versions[-1].by == bob
    assert versions[-1].changes == [
        f"Status Received: next action {received.next_action} -> "
        "Call the customer back within the hour"
    ]


def test_a_status_nobody_can_reach_is_refused_and_nothing_written(designer, o2c):
    before = definition_rows(o2c)
    answer = design_post(
        designer,
        f"{BASE}statuses/new/",
        {"name": "Limbo", "slug": "limbo", "order": 20, "stage_assignment": "queue"},
    )
    _refused(
        o2c,
        answer,
        before,
        "Status &#x27;limbo&#x27;: nobody can reach it: no transition leads to it from "
        "&#x27;received&#x27;",
    )


def test_a_duplicate_status_slug_is_a_field_error(designer, o2c):
    before = definition_rows(o2c)
    answer = design_post(
        designer,
        f"{BASE}statuses/new/",
        {"name": "Priced again", "slug": "priced", "order": 3, "stage_assignment": "queue"},
    )
    _refused(o2c, answer, before, "Another row of this process already has it.")


def test_a_status_in_use_cannot_be_removed(designer, o2c, make_card):
    make_card()
    received = Status.objects.get(process=o2c, slug="received")
    before = definition_rows(o2c)
    answer = design_post(designer, f"{BASE}statuses/{received.pk}/delete/", {})
    _refused(o2c, answer, before, "Status &#x27;received&#x27;: 1 card(s) are in it")
    # Its slug is fixed once made: a slug posted is ignored, the name changes.
    answer = design_post(designer, f"{BASE}statuses/{received.pk}/",
                         _status_data(received, slug="incoming", name="Incoming"))  # fmt: skip
    assert answer.status_code == 302
    received.refresh_from_db()
    assert (received.slug, received.name) == ("received", "Incoming")


def test_a_move_relabelled_and_a_move_added(designer, o2c):
    qualify = Transition.objects.get(process=o2c, name="qualify")
    answer = design_post(
        designer, f"{BASE}transitions/{qualify.pk}/", _transition_data(qualify, label="Qualify it")
    )
    assert answer.status_code == 302, answer.content[:3000]
    assert _latest(o2c).changes == ["Transition Qualify it: label Qualify -> Qualify it"]
    version = _latest(o2c).number
    priced, received = (Status.objects.get(process=o2c, slug=s) for s in ("priced", "received"))
    answer = design_post(
        designer,
        f"{BASE}transitions/new/",
        {"label": "Reprice", "name": "reprice", "sources": [priced.pk], "target": received.pk,
         "allowed_roles": ["accountable"], "order": 9, "conditions_text": "has_client"},
        version=version,
    )  # fmt: skip
    assert answer.status_code == 302, answer.content[:3000]
    assert _latest(o2c).changes == ["Transition Reprice added"]
    assert Transition.objects.get(process=o2c, name="reprice").conditions == ["has_client"]


def test_removing_the_only_move_into_a_status_is_refused(designer, o2c):
    qualify = Transition.objects.get(process=o2c, name="qualify")
    before = definition_rows(o2c)
    answer = design_post(designer, f"{BASE}transitions/{qualify.pk}/delete/", {})
    _refused(o2c, answer, before, "Status &#x27;qualified&#x27;: nobody can reach it")


def test_a_condition_the_app_does_not_know_is_refused(designer, o2c):
    qualify = Transition.objects.get(process=o2c, name="qualify")
    before = definition_rows(o2c)
    answer = design_post(
        designer,
        f"{BASE}transitions/{qualify.pk}/",
        _transition_data(qualify, conditions_text="has_client, client >> 3"),
    )
    _refused(
        o2c,
        answer,
        before,
        "Transition &#x27;qualify&#x27;: the app knows no condition &#x27;client &gt;&gt; 3&#x27;.",
    )


def test_an_sla_on_a_final_status_and_a_duplicate_sla_are_refused(designer, o2c):
    closed, priced = (Status.objects.get(process=o2c, slug=s) for s in ("closed", "priced"))
    before = definition_rows(o2c)
    answer = design_post(
        designer, f"{BASE}sla/new/", {"status": closed.pk, "hours": "4", "at_risk_percent": 75}
    )
    _refused(o2c, answer, before, "SLA for &#x27;closed&#x27;: a final status has no clock.")
    answer = design_post(
        designer, f"{BASE}sla/new/", {"status": priced.pk, "hours": "4", "at_risk_percent": 75}
    )
    _refused(o2c, answer, before, "Another row of this process already has it.")
    answer = design_post(
        designer, f"{BASE}sla/new/", {"status": priced.pk, "hours": "-1", "at_risk_percent": 75}
    )
    _refused(o2c, answer, before, "Ensure this value is greater than or equal to 0.25.")


def test_block_reasons_added_and_duplicates_refused(designer, o2c):
    before = definition_rows(o2c)
    answer = design_post(
        designer, f"{BASE}block-reasons/new/", {"name": "Again waiting", "slug": "waiting_stock",
                                                "order": 9})  # fmt: skip
    _refused(o2c, answer, before, "Another row of this process already has it.")
    answer = design_post(
        designer, f"{BASE}block-reasons/new/", {"name": "Credit hold", "slug": "credit_hold",
                                                "order": 9})  # fmt: skip
    assert answer.status_code == 302
    assert _latest(o2c).changes == ["Block reason Credit hold added"]
    assert BlockReason.objects.filter(process=o2c, slug="credit_hold").exists()


def _rule_data(rule, **changes):
    return {
        "name": rule.name, "family": rule.family, "level": rule.level, "field": rule.field,
        "operator": rule.operator, "threshold": rule.threshold, "guards": rule.guards_id,
        "approver_kind": rule.approver_kind, "authority": rule.authority,
        "decision_sla_hours": rule.decision_sla_hours, "is_active": "on", **changes,
    }  # fmt: skip


def test_an_exception_rule_changed_and_a_threshold_that_is_no_number_refused(designer, o2c):
    rule = ExceptionRule.objects.get(process=o2c, family="discount", level=1)
    before = definition_rows(o2c)
    answer = design_post(designer, f"{BASE}exception-rules/{rule.pk}/",
                         _rule_data(rule, threshold="lots"))  # fmt: skip
    _refused(o2c, answer, before, "is a number: give a number.")
    answer = design_post(designer, f"{BASE}exception-rules/{rule.pk}/",
                         _rule_data(rule, threshold="15"))  # fmt: skip
    assert answer.status_code == 302, answer.content[:3000]
    assert _latest(o2c).changes == [f"Exception rule {rule.name}: threshold 10 -> 15"]


def test_a_stage_role_is_a_group_with_a_role_in_the_process(designer, o2c):
    from django.contrib.auth.models import Group

    agreed = Status.objects.get(process=o2c, slug="agreed")
    warehouse = Group.objects.get(name="Warehouse")
    stranger = Group.objects.create(name="Strangers")
    before = definition_rows(o2c)
    answer = design_post(designer, f"{BASE}statuses/{agreed.pk}/",
                         _status_data(agreed, stage_group=stranger.pk))  # fmt: skip
    _refused(o2c, answer, before, "Select a valid choice.")
    answer = design_post(designer, f"{BASE}statuses/{agreed.pk}/",
                         _status_data(agreed, stage_group=warehouse.pk))  # fmt: skip
    assert answer.status_code == 302, answer.content[:3000]
    assert _latest(o2c).changes == ["Status Agreed: stage group none -> Warehouse"]


def test_a_stale_page_gets_a_conflict_not_an_overwrite(designer, o2c):
    policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
    url = f"{BASE}sla/{policy.pk}/"
    first = design_post(designer, url, {"status": policy.status_id, "hours": "8",
                                        "at_risk_percent": 75})  # fmt: skip
    assert first.status_code == 302
    rows = definition_rows(o2c)
    stale = design_post(designer, url, {"status": policy.status_id, "hours": "12",
                                        "at_risk_percent": 75}, version=0)  # fmt: skip
    assert stale.status_code == 409
    assert "you edited version 0, it is now at version 2" in stale.content.decode()
    assert definition_rows(o2c) == rows
    policy.refresh_from_db()
    assert policy.allowance_minutes == 8 * 60


def test_who_may_design(client, o2c, bob, alice, charlie, django_user_model):
    policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
    url = f"{BASE}sla/{policy.pk}/"
    data = {"status": policy.status_id, "hours": "8", "at_risk_percent": 75}
    assert client.get(BASE).status_code == 302  # to the login page
    client.force_login(alice)
    assert client.get(BASE).status_code == 403
    assert client.get(url).status_code == 403
    assert design_post(client, url, data).status_code == 403
    client.force_login(charlie)
    assert client.get(BASE).status_code == 404
    assert design_post(client, url, data).status_code == 404
    assert not DefinitionVersion.objects.filter(process=o2c).exists()
    client.force_login(bob)
    assert client.get(BASE).status_code == 200
    assert client.put(BASE).status_code == 405
    assert client.get(f"{BASE}delete-everything/new/").status_code == 404
    staff = django_user_model.objects.create_user("sam", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_the_designed_map_is_beside_the_form(designer, o2c):
    policy = SLAPolicy.objects.get(process=o2c, status__slug="priced", priority="")
    page = designer.get(f"{BASE}sla/{policy.pk}/").content.decode()
    assert 'data-testid="designed-map"' in page
    statuses = Status.objects.filter(process=o2c).values_list("slug", flat=True)
    for slug in statuses:
        assert f'<g data-status="{slug}">' in page
    assert '<g data-move="mark_lost">' in page
    assert "SLA 16 h" in page
    assert 'name="hours"' in page and 'value="16' in page


def test_the_rules_page_links_the_designer_for_the_accountable_only(client, o2c, bob, alice):
    client.force_login(bob)
    assert f'href="{BASE}"' in client.get("/processes/order-to-cash/").content.decode()
    client.force_login(alice)
    assert f'href="{BASE}"' not in client.get("/processes/order-to-cash/").content.decode()


def test_the_designer_page_reads_a_fixed_number_of_queries(designer, o2c, bob):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert designer.get(BASE).status_code == 200
    Transition.objects.create(process=o2c, name="extra", label="Extra",
                              target=Status.objects.get(process=o2c, slug="lost"))  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        assert designer.get(BASE).status_code == 200
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]
    assert len(few) <= 25
