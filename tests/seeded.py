"""One seeded demo shared by the tests of a module that only read it (CI time: seeding the
demo through the services costs tens of seconds, and each test used to seed its own).

The seed runs once, in a transaction held open for the module's tests and rolled back after
the last of them. Each test (`django_db`, not transactional) runs in its own savepoint inside
it, so what a test changes is undone before the next one, and the seed is undone before the
next module: every test still starts from the same database, and no other module sees it.
Not for transactional or browser tests (a live server reads committed rows only).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction

from opmodel.celery import app as celery_app


@contextmanager
def seeded_module(django_db_blocker, seed: Callable[[], None]) -> Iterator[None]:
    """For a module-scoped fixture: `seed()` once, undone after the module's tests."""
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        # As inside a test (tests/conftest.py, _tasks_run_in_the_test): queued tasks run here.
        eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
        try:
            seed()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        finally:
            celery_app.conf.task_always_eager = eager
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
