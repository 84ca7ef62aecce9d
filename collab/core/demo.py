"""Domain demo data beyond the organisation. Each app adds its own seeding here."""

SEEDERS: list = []  # callables taking the dict of demo users


def seed_domain(users) -> None:
    for seeder in SEEDERS:
        seeder(users)
