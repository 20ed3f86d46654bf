"""URLs under /api/ of the flow app (included from opmodel/urls.py)."""

from django.urls import path

from flow.api import forecasts, maps

urlpatterns = [
    path("processes/<slug:slug>/map/", maps.ProcessMapView.as_view(), name="api-process-map"),
    path(
        "processes/<slug:slug>/map/cards/",
        maps.ProcessMapCardsView.as_view(),
        name="api-process-map-cards",
    ),
    path(
        "processes/<slug:slug>/forecast/",
        forecasts.ForecastView.as_view(),
        name="api-process-forecast",
    ),
    path(
        "processes/<slug:slug>/forecast/backtest/",
        forecasts.BacktestView.as_view(),
        name="api-process-backtest",
    ),
    path(
        "processes/<slug:slug>/sle/", forecasts.ServiceLevelView.as_view(), name="api-process-sle"
    ),
]
