"""A process's role grants go with it. roles keeps a grant's process as a plain id (roles sits
below processes and names none of its models: docs/design.md, "Decisions"), so processes, which
knows when a process goes, deletes its grants in the same transaction. On PostgreSQL a foreign
key constraint (migration 0021) also refuses a grant of a process that does not exist.
Connected at start-up by ProcessesConfig.ready()."""

from django.db.models.signals import pre_delete

from processes.models import Process
from roles.models import ProcessRole


def _delete_grants(sender, instance: Process, **kwargs) -> None:
    # pre_delete runs inside the deletion's transaction, after its PROTECT checks passed (a
    # process with cards is never deleted, so its grants stay too).
    ProcessRole.objects.filter(process_id=instance.pk).delete()


def connect() -> None:
    pre_delete.connect(_delete_grants, sender=Process, dispatch_uid="processes.role_grants")
