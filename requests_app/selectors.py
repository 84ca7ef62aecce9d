"""Reads filtered by who may see what. Everything is decided in SQL."""

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from collab.core.inbox import WorkItem
from collab.org.roles import roles_of

from .models import (
    Answer,
    Attachment,
    Clarification,
    Confidentiality,
    Request,
    RequestDepartment,
    RequestEvent,
    RequestGroupObjectPermission,
    RequestUserObjectPermission,
    State,
)


def _grants(user) -> Q:
    """Explicit per-object grants (guardian, direct foreign-key tables)."""
    view = Permission.objects.filter(
        content_type__app_label="requests_app", codename="view_request"
    ).values("pk")
    by_user = RequestUserObjectPermission.objects.filter(user=user, permission__in=view)
    by_group = RequestGroupObjectPermission.objects.filter(group__user=user, permission__in=view)
    return Q(pk__in=by_user.values("content_object_id")) | Q(
        pk__in=by_group.values("content_object_id")
    )


def visibility_q(user) -> Q:
    roles = roles_of(user)
    submitted = Q(submitted_at__isnull=False)
    named = Q(requester=user)
    reviewing = set(roles.headed) | set(roles.led)
    if reviewing:
        named |= submitted & (
            Q(requesting_department__in=roles.headed) | Q(requesting_department__in=roles.led)
        )
    # Uncorrelated subqueries: the database builds each id set once instead of
    # probing it per request row (measured on 10,000 requests).
    reached = RequestDepartment.objects.filter(reached_at__isnull=False)
    named |= Q(
        pk__in=reached.filter(Q(contact=user) | Q(department__in=roles.headed)).values("request_id")
    )

    # Need-to-know ends at the people named on a confidential request.
    if roles.is_secretary or roles.is_admin:
        broad = submitted
    else:
        departments = set(roles.headed) | set(roles.liaison_for)
        if user.department_id:
            departments.add(user.department_id)
        broad = Q(pk__in=reached.filter(department__in=departments).values("request_id"))
    # Cheapest test first: most rows are normal requests decided by `broad` alone.
    return (Q(confidentiality=Confidentiality.NORMAL) & broad) | named | _grants(user)


def visible_requests(user) -> QuerySet[Request]:
    if not user.is_authenticated:
        return Request.objects.none()
    return Request.objects.filter(visibility_q(user))


def request_for_page(user, pk: int) -> Request | None:
    """One visible request with everything the detail and action pages show."""
    return (
        visible_requests(user)
        .select_related(
            "requester",
            "requesting_department__head",
            "requesting_department__leader",
            "head_signed_by",
            "leader_signed_by",
        )
        .prefetch_related(
            Prefetch(
                "departments",
                queryset=RequestDepartment.objects.select_related(
                    "department__head",
                    "department__liaison",
                    "contact",
                    "answered_by",
                    "acknowledged_by",
                ),
            ),
            "milestones",
            Prefetch("attachments", queryset=_attachments()),
            Prefetch(
                "clarifications",
                queryset=Clarification.objects.select_related(
                    "asked_by", "answered_by", "request_department__department"
                ),
            ),
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
    )


def _attachments():
    return Attachment.objects.select_related("uploaded_by")


# --- the Requests list ---------------------------------------------------------------

MY_ROLES = ("filed", "review", "addressed", "contact")


def request_list(user, *, filters: dict) -> QuerySet[Request]:
    qs = visible_requests(user)
    state = filters.get("state")
    if state:
        qs = qs.filter(state=state)
    department = filters.get("department")
    if department:
        addressed = RequestDepartment.objects.filter(request=OuterRef("pk"), department=department)
        qs = qs.filter(Q(requesting_department=department) | Q(Exists(addressed)))
    priority = filters.get("priority")
    if priority:
        qs = qs.filter(priority=priority)
    role = filters.get("role")
    if role:
        qs = qs.filter(_role_q(user, role))
    if filters.get("date_from"):
        qs = qs.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(created_at__date__lte=filters["date_to"])
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q))
    return qs.select_related("requester", "requesting_department").prefetch_related(
        Prefetch(
            "departments",
            queryset=RequestDepartment.objects.select_related("department").only(
                "pk", "request_id", "answer", "reached_at", "response_due", "department__code"
            ),
        )
    )


def _role_q(user, role: str) -> Q:
    roles = roles_of(user)
    if role == "filed":
        return Q(requester=user)
    if role == "review":
        return Q(state=State.HEAD_REVIEW, requesting_department__in=roles.headed) | Q(
            state=State.LEADER_REVIEW, requesting_department__in=roles.led
        )
    departments = set(roles.headed) | set(roles.liaison_for)
    if user.department_id:
        departments.add(user.department_id)
    if role == "addressed":
        return Q(
            pk__in=RequestDepartment.objects.filter(
                department__in=departments, reached_at__isnull=False
            ).values("request_id")
        )
    if role == "contact":
        return Q(pk__in=RequestDepartment.objects.filter(contact=user).values("request_id"))
    return Q()


# --- My work -------------------------------------------------------------------------


def work_items(user) -> list[WorkItem]:
    """What waits on this person; a fixed number of queries whatever the count."""
    if not user.is_authenticated:
        return []
    roles = roles_of(user)
    kind = gettext("Request")
    items: list[WorkItem] = []
    visible = visible_requests(user)

    def url(pk):
        return reverse("requests:detail", args=[pk])

    review = Q(state=State.HEAD_REVIEW, requesting_department__in=roles.headed) | Q(
        state=State.LEADER_REVIEW, requesting_department__in=roles.led
    )
    if roles.headed or roles.led:
        for r in visible.filter(review).only("pk", "number", "title", "state", "step_due_at"):
            action = (
                gettext("Review (level 1)")
                if r.state == State.HEAD_REVIEW
                else gettext("Review (level 2)")
            )
            items.append(
                WorkItem(
                    kind,
                    f"{r.number} {r.title}",
                    url(r.pk),
                    action,
                    r.step_due_at,
                    working_days=True,
                )
            )

    answerable = Q(contact=user) | Q(department__in=set(roles.headed) | set(roles.liaison_for))
    pending = (
        RequestDepartment.objects.filter(
            answerable,
            answer=Answer.PENDING,
            request__state=State.AWAITING_CONFIRMATION,
            request__in=visible.values("pk"),
        )
        .select_related("request", "department")
        .only(
            "pk",
            "response_due",
            "department__code",
            "request__id",
            "request__number",
            "request__title",
            "request__state",  # the FSM mixin reads the state of every loaded request
        )
    )
    for rd in pending:
        items.append(
            WorkItem(
                kind,
                f"{rd.request.number} {rd.request.title}",
                url(rd.request.pk),
                gettext("Confirm for %(department)s") % {"department": rd.department.code},
                rd.response_due,
            )
        )

    questions = (
        Clarification.objects.filter(
            answered_at__isnull=True,
            request__requester=user,
            request__state=State.AWAITING_CONFIRMATION,
        )
        .select_related("request")
        .only(
            "pk", "answer_due", "request__id", "request__number", "request__title", "request__state"
        )
    )
    for c in questions:
        items.append(
            WorkItem(
                kind,
                f"{c.request.number} {c.request.title}",
                url(c.request.pk),
                gettext("Answer a question"),
                c.answer_due,
            )
        )

    returned = Request.objects.filter(requester=user, state=State.RETURNED).only(
        "pk", "number", "title", "state"
    )
    for r in returned:
        items.append(
            WorkItem(
                kind,
                f"{r.number} {r.title}",
                url(r.pk),
                gettext("Returned: revise and resubmit"),
                None,
            )
        )
    return items
