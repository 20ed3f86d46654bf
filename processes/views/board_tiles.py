"""The board's tiles, rendered in Python: a board draws a few hundred of them, and the template
language's per-variable lookups were most of the page's time (bench/board_pages.py). The markup
is the same a template would write, every value escaped by format_html."""

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from processes.sla import sla_state
from processes.templatetags.opmodel_ui import age_class, initials, person, since, sla_text

_ID = 123456789


class TileRenderer:
    """Renders tiles for one request: the URLs, the CSRF field and the page's address once."""

    def __init__(self, request, *, now, may_edit: bool):
        self.now = now
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

    def tile(self, card, *, final: bool) -> SafeString:
        editable = self.may_edit and not final
        parts = [
            format_html(
                '<article class="tile prio-{}{}" data-card="{}" data-version="{}" '
                'data-status="{}"{}>',
                card.priority,
                " tile-blocked" if card.is_blocked else "",
                card.pk,
                card.version,
                card.status,
                mark_safe(' draggable="true"') if editable else "",
            ),
            format_html(
                '<div class="tile-top"><span class="tile-id">#{}</span>{}'
                '<span class="tile-age {}">{}</span></div>',
                card.pk,
                format_html(
                    '<span class="prio prio-badge-{}">{}</span>',
                    card.priority,
                    card.get_priority_display(),
                )
                if card.priority != "normal"
                else "",
                age_class(card.created_at, self.now),
                since(card.created_at, self.now),
            ),
            format_html(
                '<a class="tile-title tile-link" href="{}">{}</a><div class="tile-client">{}</div>',
                self.detail_url.replace(str(_ID), str(card.pk)),
                card.title,
                card.client.name if card.client_id else "No client yet",
            ),
        ]
        state = sla_state(card, self.now)
        if state:
            parts.append(
                format_html(
                    '<div class="sla-mark sla-{}">{}</div>', state, sla_text(card, self.now)
                )
            )
        if card.is_blocked:
            parts.append(
                format_html(
                    '<div class="blocked-mark" title="{}">Blocked: {}</div>',
                    card.block_note,
                    card.block_reason.name if card.block_reason_id else "",
                )
            )
        if card.responsible_id:
            who = format_html(
                '<span class="avatar avatar-sm" aria-hidden="true">{}</span>'
                '<span class="tile-person">{}</span>',
                initials(card.responsible),
                person(card.responsible),
            )
        else:
            who = mark_safe('<span class="tile-person unassigned">Unassigned</span>')
        parts.append(
            format_html('<div class="tile-foot">{}{}</div>', who, self._assign(card))
            if editable
            else format_html('<div class="tile-foot">{}</div>', who)
        )
        parts.append(mark_safe("</article>"))
        return mark_safe("".join(parts))

    def _assign(self, card) -> SafeString:
        me = (
            format_html(
                '<button type="submit" name="assign" value="me" class="btn btn-link btn-sm">'
                'Assign to me<span class="sr-only"> #{}</span></button>',
                card.pk,
            )
            if card.responsible_id != self.user_id
            else ""
        )
        return format_html(
            '<form method="post" action="{}" class="tile-assign">{}'
            '<input type="hidden" name="version" value="{}">{}{}'
            '<details class="tile-picker"><summary class="btn btn-link btn-sm">Assign…'
            '<span class="sr-only"> #{}</span></summary>'
            '<label class="sr-only" for="assign-{}">Responsible for #{} (username, empty for '
            'nobody)</label><input id="assign-{}" name="responsible" list="board-people" '
            'size="10" placeholder="Username"> '
            '<button type="submit" class="btn btn-secondary btn-sm">Assign</button>'
            "</details></form>",
            self.assign_url.replace(str(_ID), str(card.pk)),
            self.csrf,
            card.version,
            self.next,
            me,
            card.pk,
            card.pk,
            card.pk,
            card.pk,
        )
