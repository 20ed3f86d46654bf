"""The board: a process's cards in columns by status, filtered; and one column in full."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from processes import selectors
from processes.definition import process_definition, process_zone_name
from processes.models import Status
from processes.panels import board_actions_of, sle_days_of, tile_marks
from processes.permissions import may_edit_cards
from processes.promises import promises_for
from processes.selectors import work_lists
from processes.views.board_tiles import TileRenderer
from processes.views.filtering import page_filters
from roles.selectors import people_holding_role_in

# Cards drawn per column (about three screens of a column); "All N" opens the rest, paged.
BOARD_COLUMN_LIMIT = 20
FINISHED_DAYS = 7
COLUMN_PAGE_SIZE = 50


def _moves(process) -> dict[str, dict[str, str]]:
    """{source slug: {target slug: transition name}}: where a tile may be dropped (the server
    checks the move again). Read from the process's definition, held in memory while it stays
    the same (processes/definition.py): every move of a card reads it too."""
    definition = process_definition(process)
    moves: dict[str, dict[str, str]] = {}
    for name, transition in definition.transitions.items():
        for source in definition.sources[name]:
            moves.setdefault(source, {})[transition.target.slug] = name
    return moves


@require_safe
def board(request):
    now = timezone.now()
    processes = list(selectors.processes_visible_to(request.user).filter(is_active=True))
    process, errors = selectors.process_from_query(request.GET, processes=processes)
    if errors:
        raise Http404("No such process.")

    context = {"processes": processes, "process": process, "now": now, "nav": "board"}
    if process is None:
        return render(request, "processes/board.html", context)
    filters = page_filters(
        request,
        selectors.cards_visible_to(request.user),
        page="board",
        now=now,
        people=people_holding_role_in(process),
    )
    raw = work_lists.board(
        cards=filters.cards,
        process=process,
        now=now,
        limit_per_status=BOARD_COLUMN_LIMIT,
        finished_days=FINISHED_DAYS,
        filtered=filters.active,
    )
    # Open work first, in the process's order; finished columns (recent cards) last.
    columns = [c for c in raw if not c.status.final] + [c for c in raw if c.status.final]
    editor = may_edit_cards(request.user, process.pk)
    drawn = [card for column in columns for card in column.cards]
    marks = tile_marks([card.pk for card in drawn])
    # The promises of the cards drawn, at once (the expected dates are set-based).
    promises = promises_for(drawn, now=now, process=process)
    tiles = TileRenderer(request, now=now, may_edit=editor, marks=marks, promises=promises)
    # The service level expectation (an app above gives it, processes/panels.py): open cards
    # that started longer ago than it are flagged.
    sle_days = sle_days_of(process)
    past_sle = set()
    if sle_days is not None:
        shown = [card.pk for c in columns if not c.status.final for card in c.cards]
        limit = timedelta(days=sle_days)
        past_sle = {
            pk
            for pk, started in work_lists.started_at(process=process, card_ids=shown).items()
            if now - started > limit
        }
    for column in columns:
        column.tiles = [
            tiles.tile(card, final=column.status.final, past_sle=card.pk in past_sle)
            for card in column.cards
        ]
    open_columns = [c for c in columns if not c.status.final]
    context |= {
        "columns": columns,
        "filters": filters,
        "open_count": sum(c.count for c in open_columns),
        "blocked_count": sum(c.blocked_count for c in open_columns),
        "unassigned_count": sum(c.unassigned_count for c in open_columns),
        "may_create": editor,
        "board_actions": board_actions_of(process) if editor else [],
        "moves": _moves(process) if editor else {},
        "finished_days": FINISHED_DAYS,
        "sle_days": sle_days,
        "past_sle_count": len(past_sle),
    }
    return render(request, "processes/board.html", context, status=filters.http_status)


@require_safe
def board_column(request, status: str):
    """Every card of one status (with the board's filters), newest move first, by pages."""
    now = timezone.now()
    processes = list(selectors.processes_visible_to(request.user).filter(is_active=True))
    process, errors = selectors.process_from_query(request.GET, processes=processes)
    if errors or process is None:
        raise Http404("No such process.")
    column = Status.objects.filter(process=process, slug=status).first()
    if column is None:
        raise Http404("No such status.")
    filters = page_filters(
        request,
        selectors.cards_visible_to(request.user),
        page="board",
        now=now,
        people=people_holding_role_in(process),
    )
    cards = filters.cards.filter(process=process, status=column.slug).order_by(
        F("status_changed_at").desc(), "-id"
    )
    page = Paginator(cards, COLUMN_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "process": process,
        "column": column,
        "page": page,
        "filters": filters,
        "zone": process_zone_name(process),
        "now": now,
        "nav": "board",
    }
    return render(request, "processes/board_column.html", context, status=filters.http_status)
