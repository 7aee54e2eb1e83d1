"""Passwords (argon2id, via argon2-cffi) and the errors of accounts and permissions."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from guidance_assistant.errors import GuidanceAssistantError

MIN_PASSWORD_LENGTH = 10

_HASHER = PasswordHasher()


class PermissionDeniedError(GuidanceAssistantError):
    """The acting user may not do this (the message says what, in plain words)."""


class AuthenticationError(GuidanceAssistantError):
    """Wrong user name or password (the message never says which)."""


class AccountError(GuidanceAssistantError, ValueError):
    """An account that cannot be made as asked (taken name, weak password, unknown role)."""


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (with its own salt and parameters)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters."
        )


def random_password() -> str:
    """A password for a new account, shown once (about 120 bits)."""
    return secrets.token_urlsafe(15)
