"""Role grants and their process: roles keeps the process as an id (docs/design.md,
"Decisions"), and processes keeps grants in step: a deleted process takes its grants with it,
and the admin edits grants on the process's page and on their own list, with the process by
name."""

import pytest
from django.db import IntegrityError, connection, transaction

from processes.models import Process
from roles.models import ProcessRole, RoleKind


@pytest.fixture
def service(db):
    return Process.objects.create(name="Service desk", slug="service-desk")


def test_deleting_a_process_deletes_its_grants(service, o2c, alice):
    ProcessRole.objects.create(process_id=service.pk, kind=RoleKind.EXECUTOR, user=alice)
    kept = ProcessRole.objects.create(process_id=o2c.pk, kind=RoleKind.INFORMED, user=alice)

    service.delete()

    assert not ProcessRole.objects.filter(process_id=service.pk).exists()
    assert ProcessRole.objects.filter(pk=kept.pk).exists()


def test_deleting_processes_in_bulk_deletes_their_grants(service, alice):
    ProcessRole.objects.create(process_id=service.pk, kind=RoleKind.EXECUTOR, user=alice)
    Process.objects.filter(pk=service.pk).delete()
    assert not ProcessRole.objects.filter(process_id=service.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the constraint is PostgreSQL's")
def test_postgresql_refuses_a_grant_of_a_process_that_does_not_exist(alice):
    missing = (Process.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessRole.objects.create(process_id=missing, kind=RoleKind.EXECUTOR, user=alice)
        # The constraint is deferred, like Django's own foreign keys: checked at the commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _grants_formset(rows, initial=0):
    data = {
        "role_grants-TOTAL_FORMS": str(len(rows)),
        "role_grants-INITIAL_FORMS": str(initial),
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for field, value in row.items():
            data[f"role_grants-{i}-{field}"] = value
    return data


def _process_page_data(process, rows, initial=0):
    data = {
        "name": process.name,
        "slug": process.slug,
        "description": "",
        "input": "",
        "output": "",
        "is_active": "on",
    }
    for prefix in ["statuses", "block_reasons"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | _grants_formset(rows, initial)


def test_the_process_page_lists_and_adds_its_grants(admin_client, service, alice, bob):
    ProcessRole.objects.create(process_id=service.pk, kind=RoleKind.EXECUTOR, user=alice)
    page = admin_client.get(f"/admin/processes/process/{service.pk}/change/")
    grants = page.context["inline_admin_formsets"][-1].formset
    assert [form.instance.user for form in grants.initial_forms] == [alice]

    existing = ProcessRole.objects.get(process_id=service.pk)
    rows = [
        {"id": str(existing.pk), "kind": "executor", "user": str(alice.pk), "group": ""},
        {"kind": "accountable", "user": str(bob.pk), "group": "", "authority": ""},
    ]
    data = _process_page_data(service, rows, initial=1)
    response = admin_client.post(f"/admin/processes/process/{service.pk}/change/", data)

    assert response.status_code == 302
    assert set(
        ProcessRole.objects.filter(process_id=service.pk).values_list("kind", "user__username")
    ) == {("executor", "alice"), ("accountable", "bob")}


def test_a_role_given_twice_on_the_process_page_is_a_form_error(admin_client, service, alice):
    row = {"kind": "executor", "user": str(alice.pk), "group": "", "authority": ""}
    data = _process_page_data(service, [row, row])
    response = admin_client.post(f"/admin/processes/process/{service.pk}/change/", data)

    assert response.status_code == 200
    assert "Each person or group holds a role once." in response.content.decode()
    assert not ProcessRole.objects.filter(process_id=service.pk).exists()


def test_the_grants_list_names_each_process(admin_client, service, alice):
    ProcessRole.objects.create(process_id=service.pk, kind=RoleKind.EXECUTOR, user=alice)
    html = admin_client.get("/admin/roles/processrole/").content.decode()
    assert "Service desk" in html


def test_a_grant_made_on_its_own_page_picks_the_process_by_name(admin_client, service, bob):
    page = admin_client.get("/admin/roles/processrole/add/").content.decode()
    assert "Service desk" in page
    data = {"process_id": str(service.pk), "kind": "informed", "user": str(bob.pk)}
    data |= {"group": "", "authority": ""}

    assert admin_client.post("/admin/roles/processrole/add/", data).status_code == 302
    assert ProcessRole.objects.filter(process_id=service.pk, user=bob, kind="informed").exists()
    again = admin_client.post("/admin/roles/processrole/add/", data)
    assert again.status_code == 200
    assert ProcessRole.objects.filter(process_id=service.pk, user=bob).count() == 1
