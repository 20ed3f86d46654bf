from django.urls import path

from designer.views import pages as views

urlpatterns = [
    path("processes/<slug:slug>/design/", views.design_home, name="design-process"),
    path("processes/<slug:slug>/design/<slug:kind>/new/", views.design_edit, name="design-new"),
    path(
        "processes/<slug:slug>/design/<slug:kind>/<int:pk>/",
        views.design_edit,
        name="design-edit",
    ),
    path(
        "processes/<slug:slug>/design/<slug:kind>/<int:pk>/delete/",
        views.design_delete,
        name="design-delete",
    ),
]
