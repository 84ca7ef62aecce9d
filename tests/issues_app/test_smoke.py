from issues_app import services
from issues_app.models import Grade, ProblemState

from .factories import report, running_request


def test_report_and_grade_problem_general(demo):
    request = running_request(demo)
    problem = report(demo, request)
    assert problem.state == ProblemState.REPORTED
    problem = services.grade_problem(problem=problem, by=demo["secretary"], grade=Grade.GENERAL)
    assert problem.state == ProblemState.OPEN
    assert problem.owner == demo["mt_head"]
