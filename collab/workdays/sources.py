"""Where the calendar data comes from. Pure functions: no models, usable in migrations."""

import datetime


def library_years() -> list[int]:
    from chinese_calendar import constants

    return sorted({day.year for day in constants.holidays} | {d.year for d in constants.workdays})


def library_days(year: int) -> list[tuple[datetime.date, bool, str]]:
    """(date, is_working_day, name) for every holiday and adjusted working day of `year`
    that the chinese-calendar package publishes."""
    from chinese_calendar import constants

    rows = [(d, False, str(name)) for d, name in constants.holidays.items() if d.year == year]
    rows += [(d, True, str(name)) for d, name in constants.workdays.items() if d.year == year]
    return sorted(rows)
