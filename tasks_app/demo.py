"""Demo tasks for `seed_demo`: the in-progress demo request broken down by both
departments, one task started with progress, one delivered."""

from datetime import timedelta

from collab.org.models import Department
from requests_app.models import Request
from requests_app.models import State as RequestState

from . import services
from .models import Task

TITLE = "Trade show booth and materials"

PLAN = [
    # department, owner, task, collaborators, days from start to finish
    ("PD", "pd_staff", "Booth layout and signage design", ["ad_staff"], 10),
    ("PD", "pd_liaison", "Product sample list", [], 5),
    ("AD", "ad_staff", "Book the venue and transport", [], 7),
]


def seed_tasks(users) -> None:
    request = Request.objects.filter(title=TITLE, state=RequestState.IN_PROGRESS).first()
    if request is None or Task.objects.filter(request=request).exists():
        return
    departments = {d.code: d for d in Department.objects.filter(code__in=["PD", "AD"])}
    tasks = []
    for code, owner, name, collaborators, days in PLAN:
        department = departments[code]
        finish = min(request.start_date + timedelta(days=days), request.deadline)
        tasks.append(
            services.create_task(
                request=request,
                department=department,
                by=department.head,
                name=name,
                owner=users[owner],
                collaborators=[users[c] for c in collaborators],
                priority="medium",
                planned_start=request.start_date,
                planned_finish=finish,
                deliverable_standard="Reviewed and signed off by the requester.",
            )
        )
    first, second = tasks[0], tasks[1]
    services.start_task(task=first, by=first.owner)
    services.post_progress(
        task=first, by=first.owner, text="Floor plan agreed; signage drafts 40%.", percent=40
    )
    services.start_task(task=second, by=second.owner)
    services.deliver_task(
        task=second,
        by=second.owner,
        note="Sample list attached as a shared document.",
        links=["https://intranet.example.com/docs/samples"],
    )
