from django.core.management.base import BaseCommand
from django.utils import timezone

from collab.workdays.calendar import invalidate, known_years
from collab.workdays.services import seed_from_library


class Command(BaseCommand):
    help = (
        "Load Chinese public holidays and adjusted working days from the chinese-calendar "
        "package (idempotent; dates entered by hand are kept)."
    )

    def handle(self, *args, **options):
        written = seed_from_library()
        invalidate()
        changed = {year: n for year, n in written.items() if n}
        if changed:
            self.stdout.write(f"Working-day calendar: {sum(changed.values())} dates written.")
        this_year = timezone.localdate().year
        for year in (this_year, this_year + 1):
            if year not in known_years():
                self.stderr.write(
                    self.style.WARNING(
                        f"No working-day calendar for {year}: enter its holidays in the admin "
                        "(Working days) or upgrade the chinese-calendar package."
                    )
                )
