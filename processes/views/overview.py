"""The processes page and each process's rules of the game: readable by every role holder of
the process, 404 for anyone else. Thin: the selectors read, the template shows."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from processes.models import DefinitionVersion
from processes.panels import rules_actions_of
from processes.permissions import may_create_process
from processes.rules import process_rules
from processes.selectors import process_participants, processes_visible_to
from processes.summaries import process_summaries


@login_required
@require_safe
def process_list(request):
    processes = list(processes_visible_to(request.user).select_related("owner").order_by("name"))
    ids = [p.pk for p in processes]
    participants = process_participants(ids)
    summaries = process_summaries(processes)
    rows = [
        {
            "process": p,
            "participants": participants.get(p.pk, []),
            "goals": summaries[p.pk].get("goals", []),
            "headline": summaries[p.pk].get("headline", {}),
        }
        for p in processes
    ]
    return render(
        request,
        "processes/process_list.html",
        {"rows": rows, "nav": "processes", "may_create": may_create_process(request.user)},
    )


HISTORY_SHOWN = 20


@login_required
@require_safe
def process_rules_page(request, slug: str):
    process = get_object_or_404(
        processes_visible_to(request.user).select_related("owner"), slug=slug
    )
    rules = process_rules(process)
    names = {status["slug"]: status["name"] for status in rules["statuses"]}
    moves = [
        (t, ", ".join(names.get(slug, slug) for slug in t["from"]), names.get(t["to"], t["to"]))
        for t in rules["transitions"]
    ]
    return render(
        request,
        "processes/process_rules.html",
        {
            "nav": "processes",
            "process": process,
            "rules": rules,
            "moves": moves,
            "participants": process_participants([process.pk]).get(process.pk, []),
            "actions": rules_actions_of(process, request.user),
            # The rule history's latest versions (processes/versions.py), one query.
            "versions": list(
                DefinitionVersion.objects.filter(process=process)
                .select_related("by")
                .order_by("-number")[:HISTORY_SHOWN]
            ),
        },
    )
