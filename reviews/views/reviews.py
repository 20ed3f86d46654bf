"""The review pages: /reviews/ (the rhythm and the reviews held), /reviews/<id>/ (the agenda,
its notes and decisions). Thin: parse, call a selector or a service, render."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from opmodel.errors import Conflict, Forbidden, InvalidInput
from opmodel.forms import service_errors
from processes.calendars import process_calendar
from processes.selectors import process_by_slug
from reviews import selectors
from reviews.definitions import CADENCE_WEEKS, DEFINITIONS, Level
from reviews.forms import DecisionForm, process_rules
from reviews.permissions import may_run
from reviews.services import reviews as review_services
from reviews.services.decisions import decision_make
from reviews.views.common import pick_process
from roles.selectors import people_holding_role_in


@require_safe
def review_list(request):
    process, processes = pick_process(request)
    now = timezone.now()
    rhythms, wt = selectors.rhythm_rows(
        process, now=now, first=now.date() - timedelta(weeks=CADENCE_WEEKS)
    )
    reviews = list(
        selectors.reviews_visible_to(request.user)
        .filter(process=process)
        .prefetch_related("attendees")[:40]
    )
    kinds = {row["rhythm"].level: row["rhythm"].facilitator_kind for row in rhythms}
    # Each level's rhythm names who runs it: the facilitator may open it, as in the API.
    levels = [
        (value, label)
        for value, label in Level.choices
        if may_run(request.user, process.pk, kinds.get(value))
    ]
    context = {
        "process": process,
        "processes": processes,
        "rhythms": rhythms,
        "zone": wt.tz.key,
        "now": now,
        "reviews": reviews,
        "levels": levels,
        "may_run": bool(levels),
        "definitions": DEFINITIONS,
        "nav": "reviews",
    }
    return render(request, "reviews/review_list.html", context)


@require_POST
def review_open(request):
    process = process_by_slug(request.user, request.POST.get("process", ""))
    if process is None:
        raise Http404("No such process among yours.")
    try:
        review = review_services.review_open(
            actor=request.user,
            process=process,
            level=request.POST.get("level", ""),
            held_on=None,
            now=timezone.now(),
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except InvalidInput as exc:
        messages.error(request, "; ".join(m for ms in exc.errors.values() for m in ms))
        return redirect(f"/reviews/?process={process.slug}")
    return redirect("review-detail", review.pk)


def _review_or_404(request, review_id: int):
    review = selectors.reviews_visible_to(request.user).filter(pk=review_id).first()
    if review is None:
        raise Http404("No such review.")
    return review


def _may_run(user, review) -> bool:
    kind = selectors.facilitator_kind(review.process_id, review.level)
    return may_run(user, review.process_id, kind)


def _review_page(request, review, *, form=None, status=200):
    now = timezone.now()
    agenda = review_services.agenda_of(review, now=now)
    people = people_holding_role_in(review.process)
    decisions = list(
        review.decisions.select_related("owner", "key_result").order_by("due_on", "id")
    )
    rows = selectors.agenda_rows(review, agenda, decisions)
    if any(d.rule_id for d in decisions):  # rules by their description, not a kind and an id
        names = {
            (kind, pk): label
            for kind, rules in process_rules(review.process).items()
            for pk, label in rules
        }
        for d in decisions:
            d.rule_text = names.get((d.rule_kind, d.rule_id), "")
    context = {
        "review": review,
        "agenda": rows,
        "decisions": decisions,
        "form": form
        or DecisionForm(people=people, process=review.process, initial={"due_on": review.held_on}),
        "may_run": not review.is_closed and _may_run(request.user, review),
        "attendees": list(review.attendees.all()),
        "people": list(people),
        "zone": process_calendar(review.process).timezone,
        "now": now,
        "definitions": DEFINITIONS,
        "nav": "reviews",
    }
    return render(request, "reviews/review_detail.html", context, status=status)


def _typed(request) -> tuple[dict[str, str], list[str]]:
    """The notes (blanks too: a cleared note clears) and ticks the review page sent.

    A card can stand in two sections of one agenda (blocked and unassigned, a promise at risk
    and a deadline): its note field then comes twice under one name, and the one typed in must
    win over the copy left blank, whichever comes last."""
    notes = {}
    for key in request.POST:
        if key.startswith("note:"):
            typed = [value for value in request.POST.getlist(key) if value.strip()]
            notes[key[5:]] = typed[-1] if typed else ""
    return notes, request.POST.getlist("discussed")


def _keep_typed(request, review) -> None:
    notes, discussed = _typed(request)
    review_services.review_notes_save(
        actor=request.user,
        review=review,
        notes=notes,
        discussed=discussed,
        attendees=_attendees(request),
        now=timezone.now(),
    )


def _attendees(request) -> list[int]:
    return [int(a) for a in request.POST.getlist("attendees") if a.isdigit()]


@require_safe
def review_detail(request, review_id: int):
    return _review_page(request, _review_or_404(request, review_id))


@require_POST
def review_notes(request, review_id: int):
    review = _review_or_404(request, review_id)
    if refused := _keep_typed_or_say_why(request, review):
        return refused
    messages.success(request, "Notes saved.")
    return redirect("review-detail", review.pk)


def _keep_typed_or_say_why(request, review):
    """Keep what was typed on the page; None when kept, else the page again with the reason (a
    field's own words for invalid input). A role that may not run the review is a 403."""
    try:
        _keep_typed(request, review)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except InvalidInput as exc:
        messages.error(request, next((m for ms in exc.errors.values() for m in ms), exc.message))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        return None
    return redirect("review-detail", review.pk)


@require_POST
def review_decide(request, review_id: int):
    review = _review_or_404(request, review_id)
    # The notes and ticks come with the decision (one form): kept first, whatever the decision.
    if refused := _keep_typed_or_say_why(request, review):
        return refused
    form = DecisionForm(
        request.POST, people=people_holding_role_in(review.process), process=review.process
    )
    if form.is_valid():
        try:
            with service_errors(form) as call:
                decision_make(actor=request.user, review=review, now=timezone.now(),
                              **form.cleaned_data)  # fmt: skip
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("review-detail", review.pk)
        if call.ok:
            messages.success(request, "Decision recorded.")
            return redirect("review-detail", review.pk)
    return _review_page(request, review, form=form, status=400)


@require_POST
def review_close(request, review_id: int):
    review = _review_or_404(request, review_id)
    notes, discussed = _typed(request)
    if request.POST.get("text", "").strip():
        # A decision typed but not recorded would be lost with the close: say so, keep it all.
        try:
            _keep_typed(request, review)
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except (InvalidInput, Conflict):
            pass
        form = DecisionForm(
            request.POST, people=people_holding_role_in(review.process), process=review.process
        )
        form.is_valid()
        form.add_error(None, "A decision is typed but not recorded: record it or clear it first.")
        return _review_page(request, review, form=form, status=400)
    try:
        review_services.review_close(
            actor=request.user,
            review=review,
            notes=notes,
            discussed=discussed,
            attendees=_attendees(request),
            now=timezone.now(),
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except (InvalidInput, Conflict) as exc:
        messages.error(request, getattr(exc, "message", "Check the notes."))
        return redirect("review-detail", review.pk)
    messages.success(request, "Review closed.")
    return redirect("review-detail", review.pk)
