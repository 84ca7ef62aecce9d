"""My work: what waits on a person, gathered from every app, most urgent first.

Each app contributes a selector returning `WorkItem`s; adding a source means adding
it to SOURCES, nothing else."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone


@dataclass(frozen=True)
class WorkItem:
    kind: str  # translated label of what kind of item this is
    title: str
    url: str
    action: str  # translated: what the person has to do
    due: datetime | None = None
    # Counted in working days: the page marks it provisional in an unconfirmed year.
    working_days: bool = False

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()


SOURCES: list = []  # callables user -> iterable[WorkItem], registered by the apps


def register(source):
    SOURCES.append(source)
    return source


def inbox_for(user) -> list[WorkItem]:
    items = [item for source in SOURCES for item in source(user)]
    far_future = timezone.now().replace(year=9999)
    return sorted(items, key=lambda i: (i.due or far_future, i.title))
