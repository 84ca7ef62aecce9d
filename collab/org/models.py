"""Departments and people. Roles come from where a person sits in the organisation:
head, liaison and division leader are fields of a department (one each), the
executive secretary and the coordination group leader are flags on the person."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    HEAD = "head", _("Department head")
    LIAISON = "liaison", _("Department liaison")
    LEADER = "leader", _("Division leader")
    SECRETARY = "secretary", _("Executive secretary")
    GROUP_LEADER = "group_leader", _("Coordination group leader")


department_code_validator = RegexValidator(
    r"^[A-Z]{2,4}$", _("Use 2 to 4 capital letters, for example MT or TE.")
)


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Department(models.Model):
    code = models.CharField(
        _("code"),
        max_length=4,
        unique=True,
        validators=[department_code_validator],
        help_text=_("2 to 4 capital letters; used in request numbers, e.g. MT202611001."),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("division leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_departments",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("department head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_departments",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.code = (self.code or "").upper()
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        language = get_language() or ""
        return self.name_zh if language.startswith("zh") else self.name_en


class User(AbstractUser):
    display_name = models.CharField(
        _("display name"), max_length=100, blank=True, help_text=_("Shown everywhere, e.g. 张伟.")
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_secretary = models.BooleanField(
        _("executive secretary"),
        default=False,
        help_text=_("Keeps the ledgers, grades problems, runs meetings and publishes minutes."),
    )
    is_group_leader = models.BooleanField(
        _("coordination group leader"),
        default=False,
        help_text=_("Handles major problems and signs project meeting resolutions."),
    )
    preferred_language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username
