"""/receivables/: finance's list of what is owed, overdue first, with its aging and the totals
per client. Finance and each process's accountable or owner read it; anyone else who works in
a process is refused (403), and someone who works in none learns nothing (404)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from finance.permissions import receivables_process_ids
from finance.selectors import receivables, receivables_summary
from processes.calendars import process_zone
from processes.models import Process
from roles.permissions import visible_process_ids


def readable_processes(user) -> list[Process]:
    ids = receivables_process_ids(user)
    if not ids:
        if visible_process_ids(user):
            raise PermissionDenied("Only finance and a process's accountable or owner read this.")
        raise Http404("No such page.")
    return list(Process.objects.filter(pk__in=ids).select_related("calendar"))


@require_safe
def receivables_page(request):
    processes = readable_processes(request.user)
    state = request.GET.get("state", "open")
    state = state if state in ("open", "overdue") else "open"
    # One day for the page: the first process's (processes share the standard calendar).
    today = timezone.now().astimezone(process_zone(processes[0])).date()
    rows = receivables(
        process_ids=[p.pk for p in processes], today=today, overdue_only=state == "overdue"
    )
    context = {
        "rows": rows,
        "summary": receivables_summary(rows),
        "today": today,
        "state": state,
        "nav": "receivables",
    }
    return render(request, "finance/receivables.html", context)
