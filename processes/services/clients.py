"""Clients: shared by every process, made on their own or typed with a new card."""

from django.db import IntegrityError, transaction

from opmodel.errors import InvalidInput
from processes.models import Client


def client_create(*, name: str) -> Client:
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": ["Give the client's name."]})
    try:
        with transaction.atomic():
            return Client.objects.create(name=name)
    except IntegrityError as exc:
        raise InvalidInput({"name": [f"A client named {name!r} already exists."]}) from exc


def new_client_for_card(name: str, *, chosen: Client | None) -> Client:
    """The client typed with a card, made inside the card's transaction."""
    if chosen is not None:
        raise InvalidInput(
            {"new_client_name": ["Pick an existing client or type a new one, not both."]}
        )
    try:
        return client_create(name=name)
    except InvalidInput as exc:
        raise InvalidInput({"new_client_name": exc.errors["name"]}) from exc
