from django.urls import path

from service.views import complaints

urlpatterns = [
    path("complaints/new/", complaints.complaint_new, name="complaint-new"),
]
