"""Catch up the process map's ledger of visits of every process (flow/selectors/map_ledger.py),
so that the first map read after a deploy or a calendar change does not pay the build: at
1,000,000 events building it takes about 25 s of PostgreSQL CPU. On SQLite the map is folded
in Python and there is no ledger to keep."""

from django.core.management.base import BaseCommand
from django.db import connection

from flow.selectors import map_ledger


class Command(BaseCommand):
    help = "Catch up the process map's ledger of visits of every process (PostgreSQL)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("No ledger on this database: the map is folded in Python.")
            return
        for slug, done in map_ledger.catch_up_every_process().items():
            what = "built" if done["rebuilt"] else f"{len(done['cards'])} cards folded again"
            self.stdout.write(f"{slug}: {what}")
