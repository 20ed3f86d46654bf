"""The goal pages: /goals/ and /goals/<id>/ with their forms. Thin: parse, call a selector or
a service, render. A goal the user may not see is a 404; a refusal of their role a 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from goals import selectors, services
from goals.definitions import DEFINITIONS, GoalState, KRState
from goals.forms import CheckInForm, GoalForm, KeyResultForm
from goals.models import Goal, KeyResult
from goals.permissions import may_create_goals, may_edit_goal, restrict_goals
from goals.selectors.chance import key_result_chance
from goals.selectors.tree import tree_order
from metrics.forecasts import FORECAST_METRICS
from opmodel.formatting import times_note
from opmodel.forms import service_errors
from processes.calendars import process_calendar
from processes.models import BusinessCalendar
from processes.selectors import processes_visible_to

STATES = [(s.value, s.label) for s in KRState]


def _goal_or_404(request, goal_id: int) -> Goal:
    goal = restrict_goals(Goal.objects.all(), request.user).filter(pk=goal_id).first()
    if goal is None:
        raise Http404("No such goal.")
    return goal


@require_safe
def goal_list(request):
    now = timezone.now()
    today = timezone.localdate(now)
    views = selectors.goals_for(user=request.user, now=now)
    views = tree_order(views)  # each goal under the goal it serves
    active = [
        v
        for v in views
        if v.goal.state == GoalState.ACTIVE and v.goal.starts_on <= today <= v.goal.ends_on
    ]
    context = {
        "goals": active,
        "others": [v for v in views if v not in active],
        "today": today,
        "may_create": may_create_goals(request.user),
        "definitions": DEFINITIONS,
        "nav": "goals",
    }
    return render(request, "goals/goal_list.html", context)


def _goal_page(request, goal_id: int, *, check_in_form=None, check_in_kr=None, status=200):
    now = timezone.now()
    view = selectors.goal_detail(user=request.user, goal_id=goal_id, now=now)
    if view is None:
        raise Http404("No such goal.")
    # One zone named on the page: the calendar of the goal's first process (check-ins fall due
    # on it).
    first = view.processes[0] if view.processes else None
    for k in view.key_results:
        if not k.kr.is_guardrail and k.kr.metric in FORECAST_METRICS:
            # Seeded with the key result's id: the page reads the same until the history moves.
            k.chance = key_result_chance(k.kr, now=now, seed=k.kr.pk)
    # A company goal has no process of its own: the standard calendar's zone, as its
    # processes' by default.
    zone = (process_calendar(first) if first else BusinessCalendar.objects.standard()).timezone
    context = {
        "view": view,
        "goal": view.goal,
        "zone": zone,
        "times_note": times_note({zone: ()}, now),
        "check_in_form": check_in_form,
        "check_in_kr": check_in_kr,
        "definitions": DEFINITIONS,
        "nav": "goals",
    }
    return render(request, "goals/goal_detail.html", context, status=status)


@require_safe
def goal_detail(request, goal_id: int):
    return _goal_page(request, goal_id)


def _parents(request):
    """The goals a goal may serve: those the user sees, not dropped."""
    goals = restrict_goals(Goal.objects.all(), request.user)
    return goals.exclude(state=GoalState.DROPPED).order_by("title", "id")


def _goal_form_page(request, form, goal=None, status=200):
    context = {"form": form, "goal": goal, "nav": "goals"}
    return render(request, "goals/goal_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def goal_create(request):
    if not may_create_goals(request.user):
        raise PermissionDenied("Only a process's accountable role (or staff) sets goals.")
    processes = processes_visible_to(request.user).order_by("name")
    parents = _parents(request)
    if request.method != "POST":
        today = timezone.localdate()
        form = GoalForm(
            processes=processes,
            parents=parents,
            initial={"owner": request.user.pk, "starts_on": today, "cadence": "weekly"},
        )
        return _goal_form_page(request, form)
    form = GoalForm(request.POST, processes=processes, parents=parents)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as call:
            goal = services.goal_create(
                actor=request.user,
                now=timezone.now(),
                **{**data, "processes": list(data["processes"])},
            )
        if call.ok:
            messages.success(request, f"Goal “{goal.title}” set.")
            return redirect("goal-detail", goal.pk)
    return _goal_form_page(request, form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def goal_edit(request, goal_id: int):
    goal = _goal_or_404(request, goal_id)
    if not may_edit_goal(request.user, goal, set(goal.processes.values_list("pk", flat=True))):
        # The form is not shown to whoever may not save it (the save would be refused anyway).
        raise PermissionDenied("Only the accountable role of the goal's processes (or staff).")
    processes = processes_visible_to(request.user).order_by("name")
    parents = _parents(request).exclude(pk=goal.pk)
    if request.method != "POST":
        initial = {
            "parent": goal.parent_id,
            "title": goal.title,
            "why": goal.why,
            "owner": goal.owner_id,
            "starts_on": goal.starts_on,
            "ends_on": goal.ends_on,
            "processes": list(goal.processes.all()),
            "cadence": goal.cadence,
            "state": goal.state,
        }
        form = GoalForm(processes=processes, parents=parents, initial=initial)
        return _goal_form_page(request, form, goal)
    form = GoalForm(request.POST, processes=processes, parents=parents)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form) as call:
            services.goal_update(
                actor=request.user,
                goal=goal,
                changes={**data, "processes": list(data["processes"])},
                now=timezone.now(),
            )
        if call.ok:
            messages.success(request, "Goal saved.")
            return redirect("goal-detail", goal.pk)
    return _goal_form_page(request, form, goal, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def key_result_create(request, goal_id: int):
    goal = _goal_or_404(request, goal_id)
    processes = goal.processes.order_by("name")
    form = KeyResultForm(request.POST or None, processes=processes)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            with service_errors(form) as call:
                now = timezone.now()
                services.key_result_create(actor=request.user, goal=goal, now=now, **data)
            if call.ok:
                messages.success(request, "Key result added.")
                return redirect("goal-detail", goal.pk)
    context = {"form": form, "goal": goal, "nav": "goals"}
    return render(request, "goals/key_result_form.html", context, status=status)


@require_POST
def check_in_create(request, key_result_id: int):
    goals = restrict_goals(Goal.objects.all(), request.user)
    kr = (
        KeyResult.objects.filter(pk=key_result_id, goal__in=goals)
        .select_related("goal__owner")
        .first()
    )
    if kr is None:
        raise Http404("No such key result.")
    form = CheckInForm(request.POST)
    if form.is_valid():
        with service_errors(form) as call:
            services.check_in_create(
                actor=request.user, key_result=kr, now=timezone.now(), **form.cleaned_data
            )
        if call.ok:
            messages.success(request, "Check-in recorded.")
            return redirect(f"/goals/{kr.goal_id}/#kr-{kr.pk}")
    return _goal_page(request, kr.goal_id, check_in_form=form, check_in_kr=kr.pk, status=400)
