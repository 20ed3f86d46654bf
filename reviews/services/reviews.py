"""Open and close a review: one function each, keyword-only, one transaction, `now` passed in.
Refusals are the opmodel.errors family (400 field errors, 403, 409)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from opmodel.errors import Conflict, Forbidden, InvalidInput
from opmodel.formatting import day_text
from processes.calendars import process_calendar
from reviews.definitions import Level, ReviewState
from reviews.models import Decision, Review, Rhythm
from reviews.permissions import may_run, may_see_process
from reviews.selectors import agendas, monthly
from reviews.selectors.rhythm import slot_at

HELD_WITHIN_DAYS = 366  # a review's date is today's, or one recorded late or planned ahead


def local_today(process, now: datetime) -> date:
    return now.astimezone(process_calendar(process).working_time().tz).date()


def compute_agenda(review: Review, *, now: datetime) -> dict:
    """The review's agenda as of now, with the items carried over from the last closed review
    of the same level (an item still on the agenda is marked instead of repeated)."""
    build = {
        Level.DAILY: agendas.daily,
        Level.WEEKLY: agendas.weekly,
        Level.MONTHLY: monthly.monthly,
    }
    today = review.held_on
    sections = build[review.level](review.process, now=now, today=today)
    previous = (
        Review.objects.filter(
            process=review.process,
            level=review.level,
            state=ReviewState.CLOSED,
            held_on__lt=review.held_on,
        )
        .order_by("-held_on")
        .values_list("held_on", "carried")
        .first()
    )
    if previous:
        held_on, carried = previous
        carried_keys = {c["key"] for c in carried}
        shown = set()
        for s in sections:
            for i in s["items"]:
                shown.add(i["key"])
                if i["key"] in carried_keys:
                    i["carried"] = True
        rest = agendas.as_now([{**c, "carried": True} for c in carried if c["key"] not in shown])
        if rest:
            sections.append(
                agendas.section("carried", f"Carried over from {day_text(held_on)}", rest)
            )
    return {"computed_at": now.isoformat(), "sections": sections}


def agenda_of(review: Review, *, now: datetime) -> dict:
    """What the review page shows: the frozen agenda once closed, else the live one."""
    return review.agenda if review.is_closed else compute_agenda(review, now=now)


def review_open(*, actor, process, level: str, held_on: date | None, now: datetime) -> Review:
    """Today's (or `held_on`'s) review of the level: the existing one, or a new one."""
    if level not in Level.values:
        raise InvalidInput({"level": [f"Choose one of: {', '.join(Level.values)}."]})
    if not may_see_process(actor, process.pk):
        raise InvalidInput({"process": ["No such process among yours."]})
    rhythm = Rhythm.objects.filter(process=process, level=level, is_active=True).first()
    if not may_run(actor, process.pk, rhythm.facilitator_kind if rhythm else None):
        raise Forbidden("Only the process's accountable role or the facilitator holds it.")
    today = local_today(process, now)
    held_on = held_on or today
    if abs((held_on - today).days) > HELD_WITHIN_DAYS:
        raise InvalidInput(
            {"held_on": [f"A review is held within {HELD_WITHIN_DAYS} days of today."]}
        )
    scheduled = None
    if rhythm is not None:
        scheduled = slot_at(rhythm, process_calendar(process).working_time(), held_on)
    try:
        with transaction.atomic():
            review, _ = Review.objects.get_or_create(
                process=process,
                level=level,
                held_on=held_on,
                defaults={"facilitator": actor, "opened_at": now, "scheduled_at": scheduled},
            )
    except IntegrityError:  # opened by someone else at the same moment
        review = Review.objects.get(process=process, level=level, held_on=held_on)
    return review


NOTE_MAX = 2000  # a note is a line or a paragraph, not a document
KEY_MAX = 100  # as a decision's item_key


def _merged_notes(review: Review, notes: dict[str, str] | None) -> dict[str, str]:
    """The review's kept notes updated by the ones sent: a blank note clears its item's."""
    merged = dict(review.notes or {})
    for key, value in (notes or {}).items():
        text = (value or "").strip()
        if len(key) > KEY_MAX or len(text) > NOTE_MAX:
            raise InvalidInput({"notes": [f"A note holds at most {NOTE_MAX} characters."]})
        if text:
            merged[key] = text
        else:
            merged.pop(key, None)
    return merged


def review_notes_save(
    *,
    actor,
    review: Review,
    notes: dict[str, str],
    discussed: list[str] | None,
    attendees: list[int] | None = None,
    now: datetime,
) -> Review:
    """Keep what was typed on an open review (notes, "discussed" ticks) as it is entered, so
    that recording a decision or leaving the page loses none of it. `discussed` None keeps
    the ticks as they are; a list replaces them."""
    if not may_run(actor, review.process_id, _facilitator_kind(review)):
        raise Forbidden("Only the process's accountable role or the facilitator holds it.")
    merged = _merged_notes(review, notes)
    ticks = list(review.discussed or []) if discussed is None else discussed
    ticks = sorted({k for k in ticks if k and len(k) <= KEY_MAX})
    users = _active_users(attendees) if attendees is not None else None
    with transaction.atomic():
        updated = Review.objects.filter(pk=review.pk, state=ReviewState.OPEN).update(
            notes=merged, discussed=ticks
        )
        if not updated:
            raise Conflict("This review was closed meanwhile: your notes were not kept.")
        if users is not None:
            review.attendees.set(users)
    review.notes, review.discussed = merged, ticks
    return review


def _active_users(ids: list[int]) -> list:
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(set(ids)):
        raise InvalidInput({"attendees": ["Unknown or inactive user among the attendees."]})
    return users


def _item_keys(agenda: dict) -> list[dict]:
    return [i for s in agenda.get("sections", []) for i in s["items"]]


def review_close(
    *,
    actor,
    review: Review,
    notes: dict[str, str] | None = None,
    discussed: list[str] | None = None,
    attendees: list | None = None,
    now: datetime,
) -> Review:
    """Freeze the agenda as it is now, keep the notes, and carry over the items neither noted,
    ticked as discussed nor decided on. No decision is allowed, and marked. Notes and ticks
    kept while the review was open count with the ones sent (`discussed` None keeps the
    kept ticks; a list replaces them)."""
    if not may_run(actor, review.process_id, _facilitator_kind(review)):
        raise Forbidden("Only the process's accountable role or the facilitator closes it.")
    sent = {k for k, v in (notes or {}).items() if v and v.strip()}
    notes = _merged_notes(review, notes)
    discussed = list(review.discussed or []) if discussed is None else discussed
    agenda = compute_agenda(review, now=now)
    items = _item_keys(agenda)
    keys = {i["key"] for i in items}
    # A kept note whose item left the live agenda since stays; one sent now must name an item.
    unknown = sorted(sent - set(review.notes or {}) - keys)
    if unknown:
        raise InvalidInput({"notes": [f"No agenda item “{unknown[0][:50]}”."]})
    users = _active_users(attendees) if attendees else []
    with transaction.atomic():
        decided = set(
            Decision.objects.filter(review=review)
            .exclude(item_key="")
            .values_list("item_key", flat=True)
        )
        has_decision = Decision.objects.filter(review=review).exists()
        talked = set(notes) | set(discussed) | decided
        carried = [i for i in items if i["key"] not in talked]
        updated = Review.objects.filter(pk=review.pk, state=ReviewState.OPEN).update(
            state=ReviewState.CLOSED,
            closed_at=now,
            agenda=agenda,
            notes=notes,
            discussed=sorted(set(discussed) & keys),
            carried=carried,
            no_decision=not has_decision,
        )
        if not updated:
            raise Conflict("This review was closed meanwhile. Reload it.")
        if users:
            review.attendees.add(*users)
        if review.level == Level.MONTHLY:
            _record_effects(review, agenda)
    review.refresh_from_db()
    return review


def _record_effects(review: Review, agenda: dict) -> None:
    """The effects this monthly review looked at: stored, and not shown again."""
    for i in _item_keys(agenda):
        if i["key"].startswith("effect:"):
            Decision.objects.filter(
                pk=int(i["key"].split(":")[1]), effect_reviewed_in__isnull=True
            ).update(effect_reviewed_in=review, effect=i.get("effect", ""))


def _facilitator_kind(review: Review) -> str | None:
    rhythm = Rhythm.objects.filter(process_id=review.process_id, level=review.level).first()
    return rhythm.facilitator_kind if rhythm else None
