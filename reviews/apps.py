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
        from django.db.models.signals import pre_delete, pre_save

        from processes.blueprints.sections import document_section_register
        from processes.summaries import register_process_summary
        from processes.versions import version_link_register
        from reviews import rhythm_document
        from reviews.models import Rhythm
        from reviews.selectors.rhythm import process_rhythms
        from reviews.selectors.versions import decisions_of_versions
        from roles.people import history_fields, register_history_source

        register_history_source(history_fields("reviews", HISTORY_FIELDS))
        # The rhythm on the process's rules of the game (processes/rules.py).
        register_process_summary("rhythm", process_rhythms, empty=list)
        # The rhythm in a process's document and its rule history (processes/blueprints).
        document_section_register(
            name="rhythm",
            export=rhythm_document.rhythm_export,
            check=rhythm_document.rhythm_check,
            install=rhythm_document.rhythm_install,
            schema=rhythm_document.rhythm_schema,
        )
        # The review decision a rule version carried out (GET /api/processes/{slug}/versions/).
        version_link_register(name="reviews.decision", link=decisions_of_versions)
        touched = rhythm_document.rhythm_touched
        pre_save.connect(touched, sender=Rhythm, dispatch_uid="version-rhythm-save")
        pre_delete.connect(touched, sender=Rhythm, dispatch_uid="version-rhythm-delete")
