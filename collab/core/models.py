from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class TimelineEvent(models.Model):
    """A named event on an object's timeline: who did what, when, with a comment and
    the event's data (e.g. `requests.request.approved`). Each app keeps its own table
    with a foreign key to the object, so a timeline is one indexed query."""

    verb = models.CharField(_("event"), max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.verb} @ {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, verb: str, *, by, comment="", data=None, at=None, **target):
        """Write one event; `target` names the object(s) it belongs to (request=…)."""
        return cls.objects.create(
            verb=verb,
            actor=by,
            comment=comment or "",
            data=data or {},
            at=at or timezone.now(),
            **target,
        )
