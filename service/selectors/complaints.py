"""Which complaints are about what: the card links of kind `complaint` read set-based."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from processes.models import CardLink, RequestCard
from service.definitions import LINK_KIND, PROCESS_SLUG


def complaints_about(process) -> QuerySet[RequestCard]:
    """The complaint cards counted for `process`: linked to one of its cards, or to no order."""
    links = CardLink.objects.filter(source_id=OuterRef("pk"), kind=LINK_KIND)
    return RequestCard.objects.filter(
        Q(Exists(links.filter(target__process=process))) | ~Q(Exists(links)),
        process__slug=PROCESS_SLUG,
        complaint__isnull=False,
    )


def complaints_of_order(card) -> list[RequestCard]:
    """The complaint cards linked to the order card `card`, oldest first, with their complaint."""
    return list(
        RequestCard.objects.filter(
            links_out__target=card, links_out__kind=LINK_KIND, complaint__isnull=False
        )
        .select_related("complaint")
        .order_by("created_at", "id")
    )
