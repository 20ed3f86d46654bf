"""The admin keeps clients' segments and account managers: an account manager holds a role in
order to cash, as in the API."""

from django.contrib.auth import get_user_model

from processes.models import Client, ClientSegment, ClientSegmentChange


def test_admin_sets_segment_and_refuses_an_account_manager_without_a_role(client, alice, charlie):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345")
    client.force_login(root)
    segment = ClientSegment.objects.create(name="Wholesale", order_interval_days=30)
    assert client.get("/admin/processes/clientsegment/").status_code == 200
    form = {"name": "Globex", "segment": segment.pk, "account_manager": charlie.pk}
    refused = client.post("/admin/processes/client/add/", form)
    assert refused.status_code == 200
    assert "An account manager holds a role in order to cash." in refused.content.decode()
    assert not Client.objects.filter(name="Globex").exists()
    made = client.post("/admin/processes/client/add/", {**form, "account_manager": alice.pk})
    assert made.status_code == 302
    globex = Client.objects.get(name="Globex")
    assert (globex.segment, globex.account_manager) == (segment, alice)


def test_admin_records_a_segment_change(client, alice):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345")
    client.force_login(root)
    wholesale = ClientSegment.objects.create(name="Wholesale", order_interval_days=30)
    retail = ClientSegment.objects.create(name="Retail", order_interval_days=60)
    globex = Client.objects.create(name="Globex", segment=wholesale)
    form = {"name": "Globex", "segment": retail.pk, "account_manager": ""}
    assert client.post(f"/admin/processes/client/{globex.pk}/change/", form).status_code == 302
    assert client.post(f"/admin/processes/client/{globex.pk}/change/", form).status_code == 302
    rows = ClientSegmentChange.objects.filter(client=globex)
    assert [(r.by, r.old_segment, r.new_segment) for r in rows] == [(root, wholesale, retail)]
