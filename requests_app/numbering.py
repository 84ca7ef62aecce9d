"""Request numbers: <department code><YYYYMM><serial>, gap-free per department and month."""

from django.utils import timezone

from .models import RequestCounter


def draw_number(*, department, at) -> str:
    """Take the next serial for the department's month. Must run inside the caller's
    transaction: the counter row stays locked until it commits, and a rollback gives
    the serial back, so numbers never skip."""
    period = timezone.localtime(at).strftime("%Y%m")
    counter, _created = RequestCounter.objects.select_for_update().get_or_create(
        department=department, period=period
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{department.code}{period}{counter.last:03d}"
