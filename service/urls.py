from django.urls import path

from service.views import complaints

urlpatterns = [
    path("complaints/new/", complaints.complaint_new, name="complaint-new"),
    path(
        "cards/<int:card_id>/complaint/",
        complaints.complaint_change_view,
        name="complaint-change",
    ),
]
