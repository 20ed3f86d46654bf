"""A card's documents: uploading one and removing one, each an event in the card's history."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from opmodel.errors import InvalidInput
from processes.documents import document_check
from processes.models import Document, EventKind, RequestCard
from processes.permissions import require_card_editor
from processes.services.cards import _refuse_if_finished, check_version
from processes.services.events import event_record


def document_add(
    *, actor, card: RequestCard, file, name: str = "", expected_version: int | None = None
) -> Document:
    require_card_editor(actor, card.process_id, "upload documents")
    check_version(card, expected_version)
    if not card.process.documents_when_finished:
        _refuse_if_finished(card, "documents")
    if file is None:
        raise InvalidInput({"file": ["Choose a file to upload."]})
    if file.size > settings.OPMODEL_DOCUMENT_MAX_BYTES:
        limit_mb = settings.OPMODEL_DOCUMENT_MAX_BYTES // (1024 * 1024)
        raise InvalidInput({"file": [f"The file is larger than {limit_mb} MB."]})
    document_check(file)
    now = timezone.now()
    name = (name or "").strip() or file.name
    with transaction.atomic():
        document = Document.objects.create(
            card=card, file=file, name=name[:200], uploaded_by=actor, uploaded_at=now
        )
        event_record(
            card=card,
            kind=EventKind.DOCUMENT_ADDED,
            actor=actor,
            at=now,
            data={"name": document.name},
        ).save()
    return document


def document_remove(*, actor, document: Document, at: datetime | None = None) -> None:
    """Remove a document (the admin's delete): the card's history says who removed which file
    and when; the file goes once the removal is committed."""
    now = at or timezone.now()
    with transaction.atomic():
        event_record(
            card=document.card,
            kind=EventKind.DOCUMENT_REMOVED,
            actor=actor,
            at=now,
            data={"name": document.name, "file": document.file.name},
        ).save()
        stored = document.file
        document.delete()
        transaction.on_commit(lambda: stored.storage.delete(stored.name), robust=True)
