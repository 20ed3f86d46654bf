import json

from django.core.management.base import BaseCommand

from stock.selectors import stock_mismatches


class Command(BaseCommand):
    help = "Compare the stock counters with the ledger (on hand) and the lines (reserved)."

    def handle(self, *args, **options):
        found = stock_mismatches()
        if not found:
            self.stdout.write("Stock counters agree with the ledger and the lines.")
            return
        for row in found:
            self.stdout.write(json.dumps(row))
        self.stderr.write(f"{len(found)} mismatch(es).")
        raise SystemExit(1)
