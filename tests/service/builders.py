"""Hand-built orders and complaints at chosen instants (Berlin local times, the standard
calendar's zone)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from processes.models import Client, RequestCard
from processes.services import card_create
from service.services import complaint_create

BERLIN = ZoneInfo("Europe/Berlin")


def local(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN)


def client(name: str) -> Client:
    return Client.objects.get_or_create(name=name)[0]


def order(process, actor, who: Client, shipped: date | None = None, title="Order") -> RequestCard:
    card = card_create(actor=actor, process=process, title=title, client=who, at=local(2030, 2, 1))
    if shipped is not None:
        # As the shipping move's effect records it (processes/services/promises.py).
        RequestCard.objects.filter(pk=card.pk).update(shipped_on=shipped)
    return card


def complaint(actor, reason: str, at: datetime, *, about=None, who=None, returned=""):
    return complaint_create(
        actor=actor, reason=reason, now=at, order=about, client=who, returned=returned
    )
