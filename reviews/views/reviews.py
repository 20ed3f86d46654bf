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
from processes.selectors import process_by_slug
from reviews import selectors
from reviews.definitions import CADENCE_WEEKS, DEFINITIONS, Level
from reviews.forms import DecisionForm
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
    reviews = list(selectors.reviews_visible_to(request.user).filter(process=process)[:40])
    context = {
        "process": process,
        "processes": processes,
        "rhythms": rhythms,
        "zone": wt.tz.key,
        "reviews": reviews,
        "levels": Level.choices,
        "may_run": may_run(request.user, process.pk),
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


def _review_page(request, review, *, form=None, status=200):
    now = timezone.now()
    agenda = review_services.agenda_of(review, now=now)
    people = people_holding_role_in(review.process)
    decisions = list(
        review.decisions.select_related("owner", "key_result").order_by("due_on", "id")
    )
    context = {
        "review": review,
        "agenda": agenda,
        "decisions": decisions,
        "form": form
        or DecisionForm(people=people, process=review.process, initial={"due_on": review.held_on}),
        "notes": review.notes,
        "may_run": may_run(request.user, review.process_id) and not review.is_closed,
        "attendees": list(review.attendees.all()) if review.is_closed else [],
        "definitions": DEFINITIONS,
        "nav": "reviews",
    }
    return render(request, "reviews/review_detail.html", context, status=status)


@require_safe
def review_detail(request, review_id: int):
    return _review_page(request, _review_or_404(request, review_id))


@require_POST
def review_decide(request, review_id: int):
    review = _review_or_404(request, review_id)
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
    notes = {
        key[5:]: value for key, value in request.POST.items() if key.startswith("note:") and value
    }
    try:
        review_services.review_close(
            actor=request.user,
            review=review,
            notes=notes,
            discussed=request.POST.getlist("discussed"),
            attendees=[int(a) for a in request.POST.getlist("attendees") if a.isdigit()],
            now=timezone.now(),
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except (InvalidInput, Conflict) as exc:
        messages.error(request, getattr(exc, "message", "Check the notes."))
        return redirect("review-detail", review.pk)
    messages.success(request, "Review closed.")
    return redirect("review-detail", review.pk)
