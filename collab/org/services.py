"""Writes and checks on the organisation."""

from django.db import models

from .models import Department


def department_has_records(department: Department) -> bool:
    """True when any protected record (a request, a task…) points at the department.

    Looks at every relation declared with PROTECT, so apps added later are covered
    without this module importing them."""
    for relation in department._meta.related_objects:
        if relation.on_delete is not models.PROTECT or relation.related_model is Department:
            continue
        if relation.related_model._meta.label_lower.startswith("org."):
            continue
        accessor = relation.related_model._default_manager.filter(
            **{relation.field.name: department}
        )
        if accessor.exists():
            return True
    return False
