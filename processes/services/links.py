from datetime import datetime

from django.db.models import Q

from processes.models import CardLink, Event, EventKind, RequestCard
from processes.services.events import event_record


def card_link(*, actor, source: RequestCard, target: RequestCard, kind: str, now: datetime) -> bool:
    """Link two cards (once per kind); both histories say so. True when the link is new."""
    _, created = CardLink.objects.get_or_create(
        source=source, target=target, kind=kind, defaults={"created_at": now}
    )
    if created:
        Event.objects.bulk_create(
            event_record(
                card=card,
                kind=EventKind.LINKED,
                actor=actor,
                at=now,
                data={"card": other.pk, "kind": kind},
            )
            for card, other in ((source, target), (target, source))
        )
    return created


def card_links(card: RequestCard) -> list[dict]:
    """Both ends' links of `card`: [{card, process, kind, title, status}], one query."""
    links = CardLink.objects.filter(Q(source=card) | Q(target=card)).select_related(
        "source__process", "target__process"
    )
    result = []
    for link in links:
        other = link.target if link.source_id == card.pk else link.source
        result.append(
            {
                "card": other.pk,
                "process": other.process.slug,
                "kind": link.kind,
                "title": other.title,
                "status": other.status,
            }
        )
    return result
