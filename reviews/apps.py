from django.apps import AppConfig

# Where reviews' history names people: a user named here is deactivated, never deleted
# (roles/people.py), or a held review would lose its facilitator and attendance, and a decision
# who made it and who owns it.
HISTORY_FIELDS = [
    ("Review", "facilitator"),
    ("Review", "attendees"),
    ("Decision", "owner"),
    ("Decision", "made_by"),
]


class ReviewsConfig(AppConfig):
    """The management rhythm: reviews with agendas from live data, decisions and their measured
    effect, model health. Above metrics and goals (docs/design.md, "Architecture")."""

    name = "reviews"

    def ready(self):
        from processes.summaries import register_process_summary
        from reviews.selectors.rhythm import process_rhythms
        from roles.people import history_fields, register_history_source

        register_history_source(history_fields("reviews", HISTORY_FIELDS))
        # The rhythm on the process's rules of the game (processes/rules.py).
        register_process_summary("rhythm", process_rhythms, empty=list)
