"""Writes of the API app: a person's own API token (the admin manages everyone's in
the Django admin, through REST framework's token admin)."""

from django.db import transaction
from rest_framework.authtoken.models import Token


def issue_token(*, user) -> Token:
    """A new token for `user`; the previous one, if any, stops working at once."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def revoke_token(*, user) -> bool:
    deleted, _detail = Token.objects.filter(user=user).delete()
    return bool(deleted)


def token_of(user) -> Token | None:
    return Token.objects.filter(user=user).first()
