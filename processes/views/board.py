"""The board: a process's cards in columns by status."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from processes import selectors
from processes.views.card import may_edit

BOARD_COLUMN_LIMIT = 100


@require_safe
def board(request):
    processes = list(selectors.processes_visible_to(request.user).filter(is_active=True))
    process, errors = selectors.process_from_query(request.GET, processes=processes)
    if errors:
        raise Http404("No such process.")

    columns = []
    if process is not None:
        raw = selectors.board(
            user=request.user, process=process, limit_per_status=BOARD_COLUMN_LIMIT
        )
        # Open work first, in the process's order; finished columns (recent cards) last.
        ordered = [c for c in raw if not c[0].final] + [c for c in raw if c[0].final]
        columns = [
            {"status": s, "cards": cards, "capped": len(cards) >= BOARD_COLUMN_LIMIT}
            for s, cards in ordered
        ]
    open_cards = [card for col in columns if not col["status"].final for card in col["cards"]]
    context = {
        "processes": processes,
        "process": process,
        "columns": columns,
        "open_count": len(open_cards),
        "blocked_count": sum(1 for card in open_cards if card.is_blocked),
        "unassigned_count": sum(1 for card in open_cards if not card.responsible_id),
        "may_create": process is not None and may_edit(request.user, process.pk),
        "now": timezone.now(),
        "nav": "board",
    }
    return render(request, "processes/board.html", context)
