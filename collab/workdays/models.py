"""The working-day calendar: which years are known, the dates that differ from the plain
Monday-to-Friday week (public holidays off, adjusted weekends 调休 on), and office hours."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Source(models.TextChoices):
    LIBRARY = "chinese_calendar", _("chinese-calendar package")
    NOTICE = "notice", _("official notice, entered by hand")
    MANUAL = "manual", _("company rule, entered by hand")


class CalendarYear(models.Model):
    """A year whose holidays and adjusted working days have been entered. Deadlines that
    fall into any other year are refused rather than guessed."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)

    def clean(self):
        if not 2000 <= (self.year or 0) <= 2100:
            raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})


class CalendarDay(models.Model):
    """A date that is not what its weekday says: a holiday on a weekday, or a weekend
    day that is worked (调休). Holidays falling on weekends are kept for their name."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked: people work that day (e.g. an adjusted weekend).")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


def _default_start():
    return datetime.time(9, 0)


def _default_end():
    return datetime.time(18, 0)


class OfficeHours(models.Model):
    """One row: when the working day starts and ends, in the site's time zone."""

    start = models.TimeField(_("office opens"), default=_default_start)
    end = models.TimeField(_("office closes"), default=_default_end)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)

    def clean(self):
        if self.start and self.end and self.start >= self.end:
            raise ValidationError(_("The office must open before it closes."))
