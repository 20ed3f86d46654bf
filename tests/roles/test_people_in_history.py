"""People named in the history are deactivated, never deleted (issue 15, point 8): the admin
refuses the delete (one or many) and says why, and so does any other delete."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from knox.models import AuthToken

from processes.models import Event
from processes.services import card_transition
from roles.people import people_in_history

pytestmark = pytest.mark.django_db

User = get_user_model()
CHANGELIST = "/admin/auth/user/"


@pytest.fixture
def admin_client(db):
    boss = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-12345")
    client = Client()
    client.force_login(boss)
    return client


@pytest.fixture
def historic(alice, priced_card):
    """alice made a card and moved it: the history names her."""
    card_transition(actor=alice, card=priced_card, name="qualify")
    return alice


def messages_of(answer) -> str:
    return " ".join(str(m) for m in answer.context["messages"])


def test_the_admin_refuses_to_delete_a_person_in_history(admin_client, historic):
    url = f"{CHANGELIST}{historic.pk}/delete/"

    answer = admin_client.post(url, {"post": "yes"}, follow=True)

    assert User.objects.filter(pk=historic.pk).exists()
    assert "Deactivate them instead" in messages_of(answer)
    assert Event.objects.filter(actor=historic).exists()


def test_the_admin_bulk_delete_refuses_and_names_them(admin_client, historic, charlie):
    answer = admin_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [historic.pk, charlie.pk], "post": "yes"},
        follow=True,
    )

    assert User.objects.filter(pk__in=[historic.pk, charlie.pk]).count() == 2
    assert "Not deleted: alice" in messages_of(answer)


def test_the_admin_deletes_a_person_the_history_never_named(admin_client, charlie):
    answer = admin_client.post(f"{CHANGELIST}{charlie.pk}/delete/", {"post": "yes"})

    assert answer.status_code == 302
    assert not User.objects.filter(pk=charlie.pk).exists()


def test_the_admin_deactivates_instead(admin_client, historic):
    AuthToken.objects.create(user=historic)
    answer = admin_client.post(
        CHANGELIST,
        {"action": "deactivate_selected", "_selected_action": [historic.pk]},
        follow=True,
    )

    historic.refresh_from_db()
    assert historic.is_active is False
    assert "1 person deactivated" in messages_of(answer)
    assert not AuthToken.objects.filter(user=historic).exists()  # dead, even if reactivated


def test_any_other_delete_is_refused_too(historic):
    # (a savepoint each: the refused delete spoils the transaction it ran in)
    with pytest.raises(ProtectedError, match="Deactivate them instead"), transaction.atomic():
        historic.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        User.objects.filter(pk=historic.pk).delete()

    assert Event.objects.filter(actor=historic, kind="transition").exists()


def test_every_kind_of_history_counts(alice, bob, olga, charlie, make_card):
    make_card(actor=bob)  # bob created a card (and its event)

    assert people_in_history([alice.pk, bob.pk, olga.pk, charlie.pk]) == {bob.pk}
