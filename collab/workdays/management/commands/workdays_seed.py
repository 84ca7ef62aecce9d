from django.core.management.base import BaseCommand

from collab.workdays.checks import years_to_confirm
from collab.workdays.services import seed_from_library


class Command(BaseCommand):
    help = (
        "Confirm every year the chinese-calendar package knows and the calendar lacks "
        "(idempotent; years confirmed from a notice and dates entered by hand are kept). "
        "Open deadlines on changed days are recomputed and their holders told."
    )

    def handle(self, *args, **options):
        confirmed = seed_from_library()
        for year, changed in sorted(confirmed.items()):
            self.stdout.write(f"Working-day calendar: {year} confirmed, {changed} days changed.")
        for year in years_to_confirm():
            self.stderr.write(
                self.style.WARNING(
                    f"The working-day calendar for {year} is provisional (weekends and the "
                    "estimated statutory holidays): confirm it from the State Council notice "
                    "in the admin (Working days › Calendar years › Confirm a year) or upgrade "
                    "the chinese-calendar package and run this command again."
                )
            )
