"""URLs under /api/auth/ (included from opmodel/urls.py): the API's tokens."""

from django.urls import path

from roles.api import auth as auth_api

urlpatterns = [
    path("token/", auth_api.TokenLoginView.as_view(), name="api-token"),
    path("logout/", auth_api.TokenLogoutView.as_view(), name="api-logout"),
]
