"""Registration rules: email shape and normalisation, password strength, E.164 phone, name.

Password policy (documented in the users README): 8 to 72 bytes of UTF-8, at least one letter
and one digit, not the email address itself. 72 bytes is bcrypt's input limit: longer inputs are
silently truncated by most bcrypt libraries (and rejected by bcrypt>=5), so we refuse them rather
than accept a password whose tail does not count.
"""

from __future__ import annotations

import re
import unicodedata

from subgraphs.users.domain.errors import InvalidRegistration
from subgraphs.users.domain.records import Registration

__all__ = [
    "MAX_PASSWORD_BYTES",
    "MIN_PASSWORD_LENGTH",
    "normalise_email",
    "validate_password",
    "validate_registration",
]

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72
MAX_EMAIL_LENGTH = 254  # RFC 5321 section 4.5.3.1.3 (path limit minus the angle brackets)
MAX_NAME_LENGTH = 200
# RFC 5322 dot-atom local part (no quoting) at an ASCII host name with a letter-led TLD; applied
# after lowercasing. Internationalised addresses must arrive in punycode.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]*[a-z0-9])+")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")  # ITU-T E.164: at most 15 digits, no leading zero


def normalise_email(email: str) -> str:
    """Trim and lowercase: ``Ada@Example.COM `` and ``ada@example.com`` are one account."""
    return email.strip().lower()


def validate_registration(draft: Registration) -> Registration:
    """The draft with normalised values, or InvalidRegistration naming the first bad field."""
    email = _email(draft.email)
    return Registration(
        email=email,
        password=_password(draft.password, email),
        full_name=_full_name(draft.full_name),
        phone=_phone(draft.phone),
    )


def _email(raw: str) -> str:
    email = normalise_email(raw)
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        raise InvalidRegistration("Email address is not valid", "email")
    return email


def validate_password(password: str, email: str) -> str:
    """``password`` when it meets the policy for the account ``email``; else InvalidRegistration."""
    return _password(password, normalise_email(email))


def _password(password: str, email: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRegistration(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters", "password"
        )
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise InvalidRegistration(
            f"Password must be at most {MAX_PASSWORD_BYTES} bytes (UTF-8)", "password"
        )
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise InvalidRegistration("Password must contain letters and digits", "password")
    if normalise_email(password) == email:
        raise InvalidRegistration("Password must not be your email address", "password")
    return password


def _full_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidRegistration("Full name must not be empty", "fullName")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidRegistration(
            f"Full name must be at most {MAX_NAME_LENGTH} characters", "fullName"
        )
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise InvalidRegistration("Full name must not contain control characters", "fullName")
    return name


def _phone(raw: str | None) -> str | None:
    # A blank phone means "no phone"; anything else must already be E.164 (+ and digits only).
    if raw is None or not raw.strip():
        return None
    phone = raw.strip()
    if not _E164.fullmatch(phone):
        raise InvalidRegistration(
            "Phone must be in E.164 format, e.g. +14155550123", "phone"
        )
    return phone
