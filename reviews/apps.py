from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """The management rhythm: reviews with agendas from live data, decisions and their measured
    effect, model health. Above metrics and goals (docs/design.md, "Architecture")."""

    name = "reviews"
