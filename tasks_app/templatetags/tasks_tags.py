"""Task panels other pages include: the tasks of a request (on the request page) and
the issues app's problem panel on the task page, when that app provides one."""

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from .. import permissions, selectors
from ..models import OPEN, TaskState

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("tasks_app/partials/request_tasks_panel.html", takes_context=True)
def request_tasks(context, request_obj):
    """The request page's task panel: per addressed department its tasks with progress
    and who is late, its rating, and the buttons this person gets. A fixed number of
    queries however many tasks there are."""
    user = _user(context)
    data = selectors.request_tasks(user, request_obj)
    by_department: dict[int, list] = {}
    for task in data["tasks"]:
        by_department.setdefault(task.department_id, []).append(task)
    requester_side = permissions.is_requester_side(user, request_obj)
    sections = []
    for rd in data["departments"]:
        tasks = by_department.get(rd.department_id, [])
        rating = data["ratings"].get(rd.department_id)
        ready = bool(tasks) and any(t.state == TaskState.ACCEPTED for t in tasks)
        ready = ready and not any(t.state in OPEN for t in tasks)
        live = [t for t in tasks if t.state != TaskState.CANCELLED]
        sections.append(
            {
                "rd": rd,
                "department": rd.department,
                "tasks": tasks,
                "late": [t for t in tasks if t.overdue],
                "progress": round(sum(t.progress_percent for t in live) / len(live)) if live else 0,
                "accepted": sum(1 for t in live if t.state == TaskState.ACCEPTED),
                "live": len(live),
                "rating": rating,
                "can_add": permissions.can_break_down(
                    user, request_obj, rd, rated=rating is not None
                ),
                "can_rate": requester_side
                and permissions.can_rate(user, request_obj, ready=ready, rated=rating is not None),
            }
        )
    return {
        "request_obj": request_obj,
        "sections": sections,
        "has_tasks": bool(data["tasks"]),
    }


@register.simple_tag(takes_context=True)
def task_problems(context, task):
    """The issues app's problems panel for this task, or nothing while that app has
    no such template."""
    try:
        panel = get_template("issues_app/partials/task_problems.html")
    except TemplateDoesNotExist:
        return ""
    flat = context.flatten()
    flat["task"] = task
    return panel.render(flat, context.get("request"))
