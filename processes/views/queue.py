"""My queue: the open cards I am responsible for, or execute, by time left; filtered. A stage
role's members find there the cards handed to it, waiting for pick-up, with "Take it"."""

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
    statuses = Status.objects.filter(process_id__in=process_ids).select_related("stage_group")
    return {(s.process_id, s.slug): s for s in statuses}


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
    roles = role_map(request.user)
    # The card's link built here, not reversed by the template row by row.
    rows = []
    for card in cards:
        status = statuses.get((card.process_id, card.status))
        stage = status.stage_group_id if status else None
        pickup = bool(stage) and card.responsible_id is None
        rows.append(
            {
                "card": card,
                "status": status,
                "url": reverse("card-detail", args=[card.pk]),
                # Handed to a stage role, taken by nobody yet; its members may take it.
                "pickup": pickup,
                "may_take": pickup and roles.in_group(card.process_id, stage),
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "bulk": bulk_choices(request.user) if rows else {},
        "many_processes": len(roles.process_ids()) > 1,
        "now": now,
        "nav": "queue",
    }
    return render(request, "processes/queue.html", context, status=filters.http_status)
