from django.urls import path

from processes import views, views_approvals

urlpatterns = [
    path("", views.board, name="board"),
    path("queue/", views.queue, name="queue"),
    path("approvals/", views_approvals.approvals_inbox, name="approvals"),
    path(
        "approvals/<int:approval_id>/decide/",
        views_approvals.approval_decide_view,
        name="approval-decide",
    ),
    path("cards/new/", views.card_new, name="card-new"),
    path("cards/<int:card_id>/", views.card_detail, name="card-detail"),
    path("cards/<int:card_id>/edit/", views.card_edit, name="card-edit"),
    path(
        "cards/<int:card_id>/transitions/<slug:name>/",
        views.card_transition,
        name="card-transition",
    ),
    path("cards/<int:card_id>/block/", views.card_block, name="card-block"),
    path("cards/<int:card_id>/unblock/", views.card_unblock, name="card-unblock"),
    path("cards/<int:card_id>/items/", views.card_item_add, name="card-item-add"),
    path("cards/<int:card_id>/documents/", views.card_document_add, name="card-document-add"),
    path(
        "cards/<int:card_id>/documents/<int:document_id>/",
        views.document_download,
        name="card-document",
    ),
]
