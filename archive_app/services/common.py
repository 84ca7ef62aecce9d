"""What the completion report and archiving share: the report's fields and the
notifications queued after commit."""

from requests_app.notifications import queue_notification

REPORT_FIELDS = ("work_done", "results", "open_problems", "suggestions")


def notify(request, recipients, event: str, template: str) -> None:
    queue_notification(
        request=request,
        recipients=[r for r in recipients if r is not None],
        event=event,
        template=f"archive_app/notify/{template}",
    )
