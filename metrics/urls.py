from django.urls import path

from metrics.views import pages as views

urlpatterns = [
    path("risks/", views.risks, name="risks"),
    path("health/", views.health, name="health"),
    path("dashboards/weekly/", views.weekly_dashboard, name="weekly-dashboard"),
    path("dashboards/weekly/cards/", views.weekly_cards, name="weekly-cards"),
    path("dashboards/weekly/csv/<slug:table>/", views.weekly_csv, name="weekly-csv"),
]
