"""Foundation: the log-in page and an authenticated, empty My work page, each against a
minimal Django view (plain HttpResponse) served through the same middleware stack."""

from collab.org.demo import seed_organisation


def run(ctx) -> None:
    users = seed_organisation()
    anonymous = ctx.client_for()
    floor = ctx.get(anonymous, "/healthz")
    ctx.compare("login page", ctx.get(anonymous, "/accounts/login/"), floor, "minimal view")
    signed_in = ctx.client_for(users["fi_staff"])
    ctx.compare(
        "my work (empty, signed in)",
        ctx.get(signed_in, "/"),
        ctx.get(signed_in, "/healthz"),
        "minimal view",
    )
