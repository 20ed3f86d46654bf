"""The daily review's risks page, the health page and the weekly dashboard.

Thin: parse, call a selector or a service, render.
"""

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from metrics import dashboards, selectors
from metrics.flow import DEFINITIONS, cards_behind
from metrics.promises.figures import promise_cards
from metrics.sections import weekly_section_cards, weekly_sections_html
from metrics.selectors.health import OK, health_report
from opmodel.errors import InvalidInput
from opmodel.formatting import duration_text, moment_text
from processes.definition import process_zone_name
from processes.models import Channel, Process, SLAState, Status
from processes.models.calendars import STANDARD_CALENDAR
from processes.selectors import (
    cards_visible_to,
    people_visible_to,
    process_from_query,
    processes_visible_to,
)
from processes.views.filtering import bulk_choices, page_filters
from roles.models import RoleKind
from roles.permissions import role_map

# ---------------------------------------------------------------------------------------------
# Risks: the daily review


@dataclass
class RiskFilters:
    """The page's filters as the selector takes them, what the form shows, and any complaint."""

    process: Process | None = None
    role: str | None = None
    responsible: int | str | None = None
    chosen: dict = field(default_factory=lambda: {"process": "", "role": "", "responsible": ""})
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(self.chosen.values())


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _risk_filters(params, *, user, processes, people) -> RiskFilters:
    """Read the GET filters. A value that makes no sense is reported and ignored, never a 500."""
    filters = RiskFilters()
    slug = params.get("process", "").strip()
    if slug:
        # An unknown slug is reported and every process shown (this page has no default).
        filters.process, errors = process_from_query(params, processes=processes)
        if errors:
            filters.problems.append(
                f"There is no process “{_shown(slug)}” among yours: showing all your processes."
            )
        else:
            filters.chosen["process"] = slug

    role = params.get("role", "").strip()
    if role:
        if role in RoleKind.values:
            filters.role = role
            filters.chosen["role"] = role
            held = {kind for _, kind in role_map(user).as_list()}
            if role not in held:
                filters.notes.append(
                    f"You do not hold the {RoleKind(role).label.lower()} role in any process, "
                    "so this filter shows nothing."
                )
        else:
            filters.problems.append(
                f"“{_shown(role)}” is not a process role (choose one of "
                f"{', '.join(RoleKind.values)}): showing every role."
            )

    who = params.get("responsible", "").strip()
    if who:
        if who == "me":
            filters.responsible = user.pk
        elif who in (selectors.UNASSIGNED, "unassigned"):
            filters.responsible = selectors.UNASSIGNED
        elif who.isascii() and who.isdigit() and int(who) in {person.pk for person in people}:
            filters.responsible = int(who)
        else:
            filters.problems.append(
                f"“{_shown(who)}” is not someone in your processes: showing everyone's cards."
            )
        if filters.responsible is not None:
            filters.chosen["responsible"] = who
    return filters


def _risk_display(row: selectors.RiskRow) -> dict:
    """What a row of the page shows: the card, its status and the times in words."""
    text = ""
    if row.time_left is not None:
        amount = duration_text(row.time_left, units=2, with_days=not row.paused)
        late = row.time_left.total_seconds() <= 0
        text = f"Late by {amount}" if late else f"{amount} left"
        if row.paused:
            text += ", paused"
    return {
        "card": row.card,
        # The card's links, built here: a page of rows reversing them one by one adds up.
        "url": reverse("card-detail", args=[row.card.pk]),
        "assign_url": reverse("card-assign", args=[row.card.pk]),
        "status": row.status,
        "state": row.state,
        "state_label": SLAState(row.state).label if row.state else "",
        "paused": row.paused,
        "sla_text": text,
        "blocked_for": duration_text(row.blocked_for, units=2)
        if row.blocked_for is not None
        else "",
    }


def _pager_urls(request, page, param: str, anchor: str) -> None:
    """The previous and next links of one of the page's two paged lists."""

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}#{anchor}"

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = url(page.next_page_number()) if page.has_next() else ""


def _as_of(now, processes) -> str:
    """The page's instant in its processes' zone (named once by the page's times note); in UTC,
    named, when they span several zones."""
    zones = {process_zone_name(p) for p in processes or ()} or {STANDARD_CALENDAR["timezone"]}
    if len(zones) == 1:
        return moment_text(now, zones.pop())
    return f"{moment_text(now, 'UTC')} UTC"


@require_safe
def risks(request):
    now = timezone.now()
    processes = list(processes_visible_to(request.user))
    people = list(people_visible_to(request.user))
    filters = _risk_filters(request.GET, user=request.user, processes=processes, people=people)
    # The cards' filters shared with the board and the queue (search, priority, SLA state...).
    card_filters = page_filters(
        request,
        cards_visible_to(request.user),
        page="risks",
        now=now,
        people=people,
        leave_out=("process", "responsible"),
    )
    review = selectors.risks_for_review(
        user=request.user,
        process=filters.process,
        role=filters.role,
        responsible=filters.responsible,
        now=now,
        cards=card_filters.cards,
        deadlines_page=request.GET.get("deadlines_page"),
        blocked_page=request.GET.get("blocked_page"),
    )
    _pager_urls(request, review.deadlines_page, "deadlines_page", "deadlines")
    _pager_urls(request, review.blocked_page, "blocked_page", "blocked")
    # The processes whose zone the page's times are in (none: the standard calendar's).
    shown = [filters.process] if filters.process else processes or None
    context = {
        "shown_processes": shown,
        "as_of": _as_of(now, shown),
        "review": review,
        "deadlines": [_risk_display(row) for row in review.deadlines],
        "blocked": [_risk_display(row) for row in review.blocked],
        "filters": filters,
        "card_filters": card_filters,
        "bulk": bulk_choices(request.user),
        "processes": processes,
        "many_processes": len(processes) > 1,
        "roles": RoleKind.choices,
        "people": people,
        "now": now,
        "nav": "risks",
    }
    return render(request, "metrics/risks.html", context, status=card_filters.http_status)


# ---------------------------------------------------------------------------------------------
# Health


def _health_token_given(request) -> bool:
    expected = settings.OPMODEL_HEALTH_TOKEN
    if not expected:
        return False
    header = request.headers.get("Authorization", "")
    given = header[len("Bearer ") :] if header.startswith("Bearer ") else request.GET.get("token")
    return bool(given) and secrets.compare_digest(given.encode(), expected.encode())


@login_not_required  # an operator's probe has no session: login or the token, checked below
@never_cache
@require_safe
def health(request):
    wants_html = request.get_preferred_type(["application/json", "text/html"]) == "text/html"
    full = _health_token_given(request)
    if not full:
        try:
            signed_in = request.user.is_authenticated
        except DatabaseError:
            # Sessions live in the database: with it down nobody can sign in, and saying so
            # tells an outsider no more than the error page would.
            return JsonResponse(
                {"status": "down", "components": {"database": {"status": "down"}}}, status=503
            )
        if not signed_in:
            if wants_html:
                return redirect_to_login(request.get_full_path())
            return JsonResponse(
                {"detail": "Log in, or send the health token as Authorization: Bearer <token>."},
                status=401,
            )
        full = request.user.is_staff
    report = health_report(now=timezone.now())
    code = 200 if report["status"] == OK else 503
    if not full:
        # Which part is down, and since when, is for staff and the operator's probe.
        report = {"status": report["status"]}
    if wants_html:
        return render(request, "metrics/health.html", {"report": report}, status=code)
    return JsonResponse(report, status=code)


# ---------------------------------------------------------------------------------------------
# Weekly dashboard

CARDS_PAGE_SIZE = 50
# The cards behind the promise figures (metrics/promises/figures.py).
PROMISE_MEMBERS = {"promise_missed": "missed", "promise_at_risk": "at_risk"}
PROMISE_LABELS = {
    "promise_missed": "Promises missed",
    "promise_at_risk": "Promises at risk",
}


def _week_form_status(choice) -> int:
    return 400 if choice.errors else 200


@require_safe
def weekly_dashboard(request):
    choice = dashboards.week_choice(user=request.user, params=request.GET)
    dashboard = None
    if choice.process is not None and not choice.errors:
        dashboard = dashboards.weekly_dashboard(process=choice.process, week=choice.week)
    sections = []
    if dashboard and dashboard.snapshot:
        # What the apps above add (goals' key results, stock's figures), each rendered by its
        # own app (metrics/sections.py).
        sections = weekly_sections_html(request, choice.process, choice.week)
    context = {
        "choice": choice,
        "dashboard": dashboard,
        "sections": sections,
        "definitions": DEFINITIONS,
        "nav": "weekly",
        "now": timezone.now(),
    }
    return render(request, "metrics/weekly.html", context, status=_week_form_status(choice))


@require_safe
def weekly_csv(request, table: str):
    choice = dashboards.week_choice(user=request.user, params=request.GET)
    if choice.process is None or choice.errors:
        return HttpResponseBadRequest(
            " ".join(m for ms in choice.errors.values() for m in ms) or "No process to show.",
            content_type="text/plain; charset=utf-8",
        )
    dashboard = dashboards.weekly_dashboard(process=choice.process, week=choice.week)
    if dashboard.snapshot is None:
        raise Http404("No figures for this week yet.")
    return dashboards.table_csv(dashboard, table)


@require_safe
def weekly_cards(request):
    """The cards behind a number of the dashboard, computed from the events like the number."""
    choice = dashboards.week_choice(user=request.user, params=request.GET)
    metric = request.GET.get("metric", "").strip()
    key = request.GET.get("key", "").strip() or None
    ids, page, section = [], None, None
    if choice.process is not None and not choice.errors and "." in metric:
        # A number of a section an app above adds (metrics/sections.py): its cards are its own.
        section = weekly_section_cards(choice.process, choice.week, metric, key)
    if section is not None:
        ids = section["ids"]
    elif choice.process is not None and not choice.errors and metric in PROMISE_MEMBERS:
        ids = promise_cards(process=choice.process, week=choice.week)[PROMISE_MEMBERS[metric]]
    elif choice.process is not None and not choice.errors:
        try:
            ids = cards_behind(process=choice.process, week=choice.week, metric=metric, key=key)
        except InvalidInput as exc:
            choice.errors.update(exc.errors)
    if not choice.errors:
        page = Paginator(ids, CARDS_PAGE_SIZE).get_page(request.GET.get("page"))
    cards, names = [], {}
    if choice.process is not None:
        names = dict(Status.objects.filter(process=choice.process).values_list("slug", "name"))
    if page is not None:
        found = {c.pk: c for c in cards_visible_to(request.user).filter(pk__in=list(page))}
        cards = [found[pk] for pk in page if pk in found]
        for card in cards:
            card.status_name = names.get(card.status, card.status)
    context = {
        "choice": choice,
        "metric": metric,
        "metric_label": (section or {}).get("label")
        or PROMISE_LABELS.get(metric)
        or dashboards.METRIC_LABELS.get(metric, metric),
        "unit_note": dashboards.METRIC_UNITS.get(metric, ""),
        "key": key,
        # The key in words: a status or channel by its name, else as given (a reason, a client).
        "key_label": (section or {}).get("key_label")
        or names.get(key)
        or dict(Channel.choices).get(key)
        or key,
        "page": page,
        "cards": cards,
        "total": len(ids),
        "nav": "weekly",
        "now": timezone.now(),
    }
    return render(request, "metrics/weekly_cards.html", context, status=_week_form_status(choice))
