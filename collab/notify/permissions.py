"""Who may do what with notifications."""


def can_read(user, notification) -> bool:
    return bool(user.is_authenticated and notification.recipient_id == user.pk)


def can_manage_robots(user) -> bool:
    """Chat robots hold secrets: only administrators set them up, in the admin."""
    return bool(user.is_authenticated and user.is_superuser)
