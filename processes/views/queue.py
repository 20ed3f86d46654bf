"""My queue: the open cards I am responsible for, or execute, by time left; filtered."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from processes.models import Status
from processes.selectors import work_lists
from processes.views.filtering import bulk_choices, page_filters
from roles.permissions import role_map

QUEUE_PAGE_SIZE = 50


def _status_lookup(process_ids) -> dict[tuple[int, str], Status]:
    """Statuses of several processes in one query, keyed by (process id, slug)."""
    return {(s.process_id, s.slug): s for s in Status.objects.filter(process_id__in=process_ids)}


@require_safe
def queue(request):
    now = timezone.now()
    filters = page_filters(
        request,
        work_lists.my_queue(user=request.user),
        page="queue",
        now=now,
    )
    page, cards = work_lists.page_by_time_left(
        filters.cards, request.GET.get("page"), QUEUE_PAGE_SIZE, related=["process__calendar"]
    )
    statuses = _status_lookup({card.process_id for card in cards}) if cards else {}
    # The card's link built here, not reversed by the template row by row.
    rows = [
        {
            "card": card,
            "status": statuses.get((card.process_id, card.status)),
            "url": reverse("card-detail", args=[card.pk]),
        }
        for card in cards
    ]
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "bulk": bulk_choices(request.user) if rows else {},
        "many_processes": len(role_map(request.user).process_ids()) > 1,
        "now": now,
        "nav": "queue",
    }
    return render(request, "processes/queue.html", context, status=filters.http_status)
