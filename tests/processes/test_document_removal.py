"""Removing a document is an event (issue 15, point 8): the admin's delete, one or several at
once, goes through the service and leaves who removed which file in the card's history."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from processes.models import Document, EventKind
from processes.services import document_add

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def uploaded(alice, make_card, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    card = make_card()
    return [
        document_add(
            actor=alice, card=card, file=SimpleUploadedFile(f"{n}.pdf", PDF), name=f"Invoice {n}"
        )
        for n in (1, 2)
    ]


def test_deleting_a_document_in_the_admin_records_who_removed_it(admin_client, uploaded, tmp_path):
    document = uploaded[0]
    path = tmp_path / document.file.name
    assert path.exists()

    answer = admin_client.post(f"/admin/processes/document/{document.pk}/delete/", {"post": "yes"})

    assert answer.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    (event,) = document.card.events.filter(kind=EventKind.DOCUMENT_REMOVED)
    assert (event.actor.username, event.data["name"]) == ("root", "Invoice 1")
    assert not path.exists()


def test_the_admin_bulk_delete_records_each_removal(admin_client, uploaded):
    answer = admin_client.post(
        "/admin/processes/document/",
        {
            "action": "delete_selected",
            "_selected_action": [d.pk for d in uploaded],
            "post": "yes",
        },
    )

    assert answer.status_code == 302
    assert not Document.objects.exists()
    removed = uploaded[0].card.events.filter(kind=EventKind.DOCUMENT_REMOVED)
    assert sorted(e.data["name"] for e in removed) == ["Invoice 1", "Invoice 2"]
