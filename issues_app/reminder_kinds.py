"""The kinds of reminder this app schedules. The services arm and stop them, and
`reminders` (which builds on the services) says what each one means."""

RESPONSE_KIND = "issues.problem.response"
LIMIT_KIND = "issues.problem.limit"
MINUTES_KIND = "issues.meeting.minutes"
ANNOUNCE_KIND = "issues.meeting.announce"
ACTION_KIND = "issues.action.due"
