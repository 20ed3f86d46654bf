from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """The management rhythm: reviews with agendas from live data, decisions and their measured
    effect, model health. Above metrics and goals (DESIGN.md section 5)."""

    name = "reviews"
