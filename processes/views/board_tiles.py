"""The board's tiles, rendered in Python: a board draws a few hundred of them, and the template
language's per-variable lookups were most of the page's time (bench/board_pages.py). The markup
is the same a template would write, every value escaped."""

from html import escape

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from opmodel.templatetags.opmodel_ui import age_class, initials, person, since
from processes.promises import AT_RISK, ON_TRACK
from processes.sla import sla_state
from processes.templatetags.process_ui import sla_text

_ID = 123456789
_SLOT = str(_ID)
_DRAGGABLE = ' draggable="true"'


def _e(value) -> str:
    """A value escaped for markup, as format_html escapes it (without its per-call overhead:
    a board draws a few hundred tiles)."""
    return escape(str(value))


class TileRenderer:
    """Renders tiles for one request: the URLs, the CSRF field and the page's address once."""

    def __init__(self, request, *, now, may_edit: bool, marks: dict | None = None, promises=None):
        self.now = now
        self.marks = marks or {}  # card id -> texts from the apps above (processes/panels.py)
        self.promises = promises or {}  # card id -> Promise (processes/promises.py)
        self.may_edit = may_edit
        self.user_id = request.user.pk
        self.detail_url = reverse("card-detail", args=[_ID])
        self.assign_url = reverse("card-assign", args=[_ID])
        self.csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
        self.next = format_html(
            '<input type="hidden" name="next" value="{}">', request.get_full_path()
        )

    def tile(self, card, *, final: bool, past_sle: bool = False) -> SafeString:
        editable = self.may_edit and not final
        pk = card.pk
        prio = (
            f'<span class="prio prio-badge-{_e(card.priority)}">'
            f"{_e(card.get_priority_display())}</span>"
            if card.priority != "normal"
            else ""
        )
        client = card.client.name if card.client_id else "No client yet"
        parts = [
            f'<article class="tile prio-{_e(card.priority)}'
            f'{" tile-blocked" if card.is_blocked else ""}" data-card="{pk}" '
            f'data-version="{card.version}" data-status="{_e(card.status)}"'
            f"{_DRAGGABLE if editable else ''}>",
            f'<div class="tile-top"><span class="tile-id">#{pk}</span>{prio}'
            f'<span class="tile-age {age_class(card.created_at, self.now)}" '
            f'title="Age: created {_e(since(card.created_at, self.now))} ago">'
            f'<span class="tile-age-label">Age </span>{_e(since(card.created_at, self.now))}'
            "</span>"
            + (
                '<span class="tile-past-sle" data-past-sle '
                'title="Started longer ago than the service level expectation">past SLE</span>'
                if past_sle
                else ""
            )
            + "</div>",
            f'<a class="tile-title tile-link" href="{_e(self.detail_url.replace(_SLOT, str(pk)))}">'
            f'{_e(card.title)}</a><div class="tile-client">{_e(client)}</div>',
        ]
        state = sla_state(card, self.now)
        if state:
            parts.append(
                f'<div class="sla-mark sla-{_e(state)}">{_e(sla_text(card, self.now))}</div>'
            )
        if card.is_blocked:
            reason = card.block_reason.name if card.block_reason_id else ""
            parts.append(
                f'<div class="blocked-mark" title="{_e(card.block_note)}">Blocked: {_e(reason)}'
                "</div>"
            )
        promise = self.promises.get(card.pk)
        if promise is not None and promise.state != ON_TRACK:
            expected = (
                f", expected {promise.expected_on:%b} {promise.expected_on.day}"
                if (promise.state == AT_RISK and promise.expected_on)
                else ""
            )
            parts.append(
                f'<div class="promise-mark promise-{promise.state}" data-promise="{promise.state}"'
                f' title="Promised {promise.promised_on:%Y-%m-%d}">{_e(promise.words)}'
                f"{_e(expected)}</div>"
            )
        for text in self.marks.get(card.pk, ()):
            parts.append(f'<div class="tile-mark">{_e(text)}</div>')
        if card.responsible_id:
            who = (
                f'<span class="avatar avatar-sm" aria-hidden="true">'
                f"{_e(initials(card.responsible))}</span>"
                f'<span class="tile-person">{_e(person(card.responsible))}</span>'
            )
        else:
            who = '<span class="tile-person unassigned">Unassigned</span>'
        parts.append(
            f'<div class="tile-foot">{who}{self._assign(card) if editable else ""}</div></article>'
        )
        return mark_safe("".join(parts))

    def _assign(self, card) -> str:
        pk = card.pk
        me = (
            '<button type="submit" name="assign" value="me" class="btn btn-link btn-sm">'
            f'Assign to me<span class="sr-only"> #{pk}</span></button>'
            if card.responsible_id != self.user_id
            else ""
        )
        return (
            f'<form method="post" action="{_e(self.assign_url.replace(_SLOT, str(pk)))}" '
            f'class="tile-assign">{self.csrf}'
            f'<input type="hidden" name="version" value="{card.version}">{self.next}{me}'
            '<details class="tile-picker"><summary class="btn btn-link btn-sm">Assign…'
            f'<span class="sr-only"> #{pk}</span></summary>'
            f'<label class="sr-only" for="assign-{pk}">Responsible for #{pk} (username, empty '
            f'for nobody)</label><input id="assign-{pk}" name="responsible" list="board-people" '
            'size="10" placeholder="Username"> '
            '<button type="submit" class="btn btn-secondary btn-sm">Assign</button>'
            "</details></form>"
        )
