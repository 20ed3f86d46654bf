from django.urls import path

from processes.views import (
    approvals,
    board,
    card,
    card_exceptions,
    card_forms,
    new_process,
    overview,
    queue,
    triage,
)

urlpatterns = [
    path("", board.board, name="board"),
    path("board/column/<slug:status>/", board.board_column, name="board-column"),
    path("queue/", queue.queue, name="queue"),
    path("processes/", overview.process_list, name="process-list"),
    path("processes/new/", new_process.process_new, name="process-new"),
    path("processes/<slug:slug>/", overview.process_rules_page, name="process-rules"),
    path("cards/bulk/", triage.cards_bulk, name="cards-bulk"),
    path("views/", triage.saved_view_create, name="saved-view-create"),
    path("views/<int:view_id>/delete/", triage.saved_view_delete, name="saved-view-delete"),
    path("approvals/", approvals.approvals_inbox, name="approvals"),
    path(
        "approvals/<int:approval_id>/decide/",
        approvals.approval_decide_view,
        name="approval-decide",
    ),
    path("cards/new/", card_forms.card_new, name="card-new"),
    path("cards/<int:card_id>/", card.card_detail, name="card-detail"),
    path("cards/<int:card_id>/edit/", card_forms.card_edit, name="card-edit"),
    path(
        "cards/<int:card_id>/transitions/<slug:name>/",
        card.card_transition,
        name="card-transition",
    ),
    path("cards/<int:card_id>/comments/", card.card_comment, name="card-comment"),
    path("cards/<int:card_id>/exceptions/", card_exceptions.card_exception, name="card-exception"),
    path("cards/<int:card_id>/assign/", triage.card_assign, name="card-assign"),
    path("cards/<int:card_id>/take/", triage.card_take_view, name="card-take"),
    path("cards/<int:card_id>/block/", card.card_block, name="card-block"),
    path("cards/<int:card_id>/unblock/", card.card_unblock, name="card-unblock"),
    path("cards/<int:card_id>/items/", card.card_item_add, name="card-item-add"),
    path("cards/<int:card_id>/documents/", card.card_document_add, name="card-document-add"),
    path(
        "cards/<int:card_id>/documents/<int:document_id>/",
        card.document_download,
        name="card-document",
    ),
]
