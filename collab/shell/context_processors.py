from django.conf import settings

from .navigation import entries_for


def shell(request):
    user = getattr(request, "user", None)
    entries = entries_for(user) if user is not None else []
    match = getattr(request, "resolver_match", None)
    current = ""
    if match is not None:
        current = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    return {
        "nav_entries": [
            {"key": e.key, "label": e.label, "url": e.url(), "active": e.url_name == current}
            for e in entries
        ],
        "company_name": settings.COMPANY_NAME,
    }
