"""Rating and completion: the requester side rates a department whose tasks are all
accepted, and the request completes once every addressed department is rated."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from requests_app.models import Request, RequestDepartment
from requests_app.models import State as RequestState
from requests_app.services import complete_request

from .. import permissions
from ..errors import TaskError
from ..models import OPEN, DepartmentRating, Task, TaskState, events
from ..notifications import queue_notification
from .common import deny, format_when, log_event


def rate_department(
    *, request, department, by, speed, professionalism, cooperation, remarks=""
) -> DepartmentRating:
    """Rate a department whose tasks are all accepted; when every addressed department
    is accepted and rated, the request completes."""
    if not permissions.is_requester_side(by, request):
        raise deny()
    scores = {"speed": speed, "professionalism": professionalism, "cooperation": cooperation}
    for field, value in scores.items():
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise TaskError(gettext("Give a score from 1 to 5."), field=field)
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        existing = (
            DepartmentRating.objects.filter(request=request, department=department)
            .select_related("rated_by")
            .first()
        )
        if existing is not None:
            raise TaskError(
                gettext("%(department)s was already rated by %(who)s at %(when)s.")
                % {
                    "department": department.code,
                    "who": existing.rated_by.name,
                    "when": format_when(existing.rated_at),
                }
            )
        if request.state != RequestState.IN_PROGRESS:
            raise TaskError(
                gettext("The request is no longer in progress (it is “%(request_state)s”).")
                % {"request_state": request.get_state_display()}
            )
        if not RequestDepartment.objects.filter(request=request, department=department).exists():
            raise TaskError(
                gettext("%(department)s is not addressed by this request.")
                % {"department": department.code}
            )
        tasks = Task.objects.filter(request=request, department=department)
        if (
            tasks.filter(state__in=OPEN).exists()
            or not tasks.filter(state=TaskState.ACCEPTED).exists()
        ):
            raise TaskError(
                gettext("%(department)s can be rated once all its tasks are accepted.")
                % {"department": department.code}
            )
        now = timezone.now()
        rating = DepartmentRating.objects.create(
            request=request,
            department=department,
            rated_by=by,
            rated_at=now,
            remarks=remarks or "",
            **scores,
        )
        log_event(
            request=request,
            verb=events.RATED,
            by=by,
            comment=remarks,
            at=now,
            data={"department": department.code, **scores},
        )
        queue_notification(
            request=request,
            recipients=[department.head_id],
            event="tasks.department.rated",
            template="tasks_app/notify/rated",
            extra={"actor": by.name, "department": department.code, **scores},
            exclude=by,
        )
        if _all_done(request):
            complete_request(
                request=request,
                by=by,
                comment=gettext("Every addressed department accepted and rated."),
            )
    return rating


def _all_done(request) -> bool:
    addressed = set(request.departments.values_list("department_id", flat=True))
    rated = set(
        DepartmentRating.objects.filter(request=request).values_list("department_id", flat=True)
    )
    return addressed <= rated and not Task.objects.filter(request=request, state__in=OPEN).exists()
