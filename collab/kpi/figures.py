"""The figures of one department (or the company) in one period, the rates and means
derived from them, and the one score the ranking orders by."""

from dataclasses import dataclass, field

from issues_app.models import Grade

GRADES = [Grade.GENERAL, Grade.IMPORTANT, Grade.MAJOR]


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


@dataclass
class Figures:
    """The figures of one department (or the company) in one period."""

    filed: int = 0
    received: int = 0
    responses_due: int = 0
    responses_on_time: int = 0
    acknowledgements_due: int = 0
    acknowledgements_on_time: int = 0
    tasks_accepted: int = 0
    tasks_on_time: int = 0
    tasks_first_pass: int = 0
    rejections: int = 0
    problems_raised: dict = field(default_factory=lambda: {g.value: 0 for g in GRADES})
    problems_resolved: dict = field(default_factory=lambda: {g.value: 0 for g in GRADES})
    problems_resolved_on_time: dict = field(default_factory=lambda: {g.value: 0 for g in GRADES})
    ratings: int = 0
    speed_total: int = 0
    professionalism_total: int = 0
    cooperation_total: int = 0
    overdue_tasks: int = 0
    overdue_responses: int = 0
    overdue_problems: int = 0

    def add(self, other: "Figures") -> None:
        for name, value in vars(other).items():
            if isinstance(value, dict):
                mine = getattr(self, name)
                for key, count in value.items():
                    mine[key] = mine.get(key, 0) + count
            else:
                setattr(self, name, getattr(self, name) + value)

    # --- derived -------------------------------------------------------------------

    @property
    def response_rate(self):
        return _rate(self.responses_on_time, self.responses_due)

    @property
    def acknowledgement_rate(self):
        return _rate(self.acknowledgements_on_time, self.acknowledgements_due)

    @property
    def completion_rate(self):
        return _rate(self.tasks_on_time, self.tasks_accepted)

    @property
    def first_pass_rate(self):
        return _rate(self.tasks_first_pass, self.tasks_accepted)

    @property
    def problems_raised_total(self) -> int:
        return sum(self.problems_raised.values())

    @property
    def problems_resolved_on_time_rate(self) -> dict:
        return {
            g: _rate(self.problems_resolved_on_time[g], self.problems_resolved[g])
            for g in self.problems_resolved
        }

    @property
    def avg_speed(self):
        return _mean(self.speed_total, self.ratings)

    @property
    def avg_professionalism(self):
        return _mean(self.professionalism_total, self.ratings)

    @property
    def avg_cooperation(self):
        return _mean(self.cooperation_total, self.ratings)

    @property
    def avg_rating(self):
        total = self.speed_total + self.professionalism_total + self.cooperation_total
        return _mean(total, 3 * self.ratings)

    @property
    def overdue_now(self) -> int:
        return self.overdue_tasks + self.overdue_responses + self.overdue_problems

    def as_dict(self) -> dict:
        return {
            "requests_filed": self.filed,
            "requests_received": self.received,
            "responses_due": self.responses_due,
            "responses_on_time": self.responses_on_time,
            "on_time_response_rate": self.response_rate,
            "acknowledgements_due": self.acknowledgements_due,
            "acknowledgements_on_time": self.acknowledgements_on_time,
            "on_time_acknowledgement_rate": self.acknowledgement_rate,
            "tasks_accepted": self.tasks_accepted,
            "tasks_on_time": self.tasks_on_time,
            "on_time_completion_rate": self.completion_rate,
            "first_pass_acceptance_rate": self.first_pass_rate,
            "rejection_rounds": self.rejections,
            "problems_raised": dict(self.problems_raised),
            "problems_resolved": dict(self.problems_resolved),
            "problems_resolved_on_time": dict(self.problems_resolved_on_time),
            "ratings": self.ratings,
            "average_speed": self.avg_speed,
            "average_professionalism": self.avg_professionalism,
            "average_cooperation": self.avg_cooperation,
            "overdue_tasks": self.overdue_tasks,
            "overdue_responses": self.overdue_responses,
            "overdue_problems": self.overdue_problems,
        }


def score(f: Figures) -> float | None:
    """One figure for the ranking: the mean of the on-time response, on-time completion
    and first-pass rates and the average rating scaled to 100; missing figures are left
    out, a department with none ranks last."""
    parts = [f.response_rate, f.completion_rate, f.first_pass_rate]
    parts.append(f.avg_rating * 20 if f.avg_rating is not None else None)
    present = [p for p in parts if p is not None]
    return round(sum(present) / len(present), 1) if present else None
