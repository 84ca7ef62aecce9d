from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from collab.core.demo import seed_domain
from collab.org.demo import DEMO_PASSWORD, seed_organisation


class Command(BaseCommand):
    help = "Create the demo departments and people (idempotent). Only with DEBUG on."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password and only runs with DEBUG on."
            )
        users = seed_organisation()
        seed_domain(users)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(users)} people, password {DEMO_PASSWORD!r}.")
        )
