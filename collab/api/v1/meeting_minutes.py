"""The minutes body of the meeting API turned into the arguments of
issues_app.services.save_minutes: attendance by user name, decisions by agenda item, and
action item rows checked against what the reader may see."""

from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError

from issues_app import selectors
from issues_app.models import ActionState
from requests_app.selectors import visible_requests


def minutes_arguments(user, meeting, data) -> dict:
    attendees = {a.user.username: a for a in meeting.attendees.select_related("user")}
    if "present" in data:
        unknown = [name for name in data["present"] if name not in attendees]
        if unknown:
            raise ValidationError(
                {
                    "present": [
                        gettext("Not invited to this meeting: %(names)s.")
                        % {"names": ", ".join(unknown)}
                    ]
                }
            )
        present_ids = [attendees[name].user_id for name in data["present"]]
    else:
        present_ids = [a.user_id for a in attendees.values() if a.present]
    agenda = set(meeting.agenda.values_list("pk", flat=True))
    decisions = {}
    for row in data.get("decisions", []):
        if row["agenda_item"] not in agenda:
            raise ValidationError({"decisions": [gettext("No such agenda item in this meeting.")]})
        decisions[row["agenda_item"]] = row["decision"]
    return {
        "summary": data.get("summary", meeting.summary),
        "present_ids": present_ids,
        "decisions": decisions,
        "actions": action_rows(user, meeting, data.get("action_items", [])),
    }


def action_rows(user, meeting, rows):
    """The service's action rows: a changed item keeps what is not sent; a new one
    needs a title, an owner and a deadline."""
    existing = {a.pk: a for a in meeting.actions.select_related("problem", "request")}
    problem_ids = {row["problem"] for row in rows if row.get("problem")}
    request_ids = {row["request"] for row in rows if row.get("request")}
    problems = (
        {p.pk: p for p in selectors.visible_problems(user).filter(pk__in=problem_ids)}
        if problem_ids
        else {}
    )
    requests = (
        {r.pk: r for r in visible_requests(user).filter(pk__in=request_ids)} if request_ids else {}
    )
    result, errors = [], []
    for row in rows:
        item_errors = {}
        current = existing.get(row.get("id")) if row.get("id") else None
        if row.get("id") and current is None:
            item_errors["id"] = [gettext("No such action item in this meeting.")]
        elif current is not None and current.state != ActionState.OPEN:
            item_errors["id"] = [
                gettext("This action item is already “%(state)s”.")
                % {"state": current.get_state_display()}
            ]
        values = {
            name: row[name] if name in row else getattr(current, name, None)
            for name in ("title", "owner", "deadline")
        }
        problem = getattr(current, "problem", None)
        if "problem" in row:
            problem = problems.get(row["problem"]) if row["problem"] else None
            if row["problem"] and problem is None:
                item_errors["problem"] = [gettext("Choose a problem you can see.")]
        req = getattr(current, "request", None)
        if "request" in row:
            req = requests.get(row["request"]) if row["request"] else None
            if row["request"] and req is None:
                item_errors["request"] = [gettext("Choose a request you can see.")]
        if not row["remove"]:
            for name, message in (
                ("title", gettext("Say what is to be done.")),
                ("owner", gettext("Name the owner.")),
                ("deadline", gettext("Set a deadline.")),
            ):
                if not values[name]:
                    item_errors.setdefault(name, [message])
        errors.append(item_errors)
        result.append(
            {
                "id": current.pk if current else None,
                **values,
                "problem": problem,
                "request": req,
                "remove": row["remove"],
            }
        )
    if any(errors):
        raise ValidationError({"action_items": errors})
    return result
