"""Bad registrations get BAD_USER_INPUT naming the field, and change nothing."""

from __future__ import annotations

import pytest

from subgraphs.users.domain.errors import InvalidRegistration
from subgraphs.users.domain.records import Registration
from subgraphs.users.domain.rules import validate_registration
from tests.subgraphs.users.harness import Harness, errors_of

BAD_INPUTS = [
    ({"password": "short1"}, "password"),
    ({"password": "lettersonly"}, "password"),
    ({"password": "1234567890"}, "password"),
    ({"password": "a1" * 37}, "password"),  # 74 bytes: past bcrypt's 72
    ({"password": "é1" * 25}, "password"),  # 25 characters but 75 bytes
    ({"email": "pw1@example.com", "password": "PW1@example.com"}, "password"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "two@@example.com"}, "email"),
    ({"email": "dots..@example.com"}, "email"),
    ({"email": "no-tld@example"}, "email"),
    ({"email": "spa ce@example.com"}, "email"),
    ({"email": ""}, "email"),
    ({"email": "x" * 250 + "@example.com"}, "email"),
    ({"fullName": "   "}, "fullName"),
    ({"fullName": "x" * 201}, "fullName"),
    ({"fullName": "Bell\x07"}, "fullName"),
    ({"phone": "4155550123"}, "phone"),
    ({"phone": "+0155550123"}, "phone"),
    ({"phone": "+1 415 555 0123"}, "phone"),
    ({"phone": "+1234567890123456"}, "phone"),
]


@pytest.mark.parametrize(("fields", "field"), BAD_INPUTS)
async def test_invalid_registration_is_refused_on_its_field(
    app: Harness, fields: dict[str, str], field: str
) -> None:
    # when a registration breaks one rule
    result = await app.register(**{"email": "ok@example.com", **fields})
    # then one BAD_USER_INPUT names the field, and no account was opened
    assert result["data"] is None
    assert errors_of(result) == [("BAD_USER_INPUT", field)]
    assert "errors" in await app.login(fields.get("email", "ok@example.com"), "anything-1")


async def test_refused_registration_leaves_the_email_free(app: Harness) -> None:
    await app.register("ok@example.com", password="short1")
    assert "errors" not in await app.register("ok@example.com")


@pytest.mark.parametrize("phone", [None, "", "   "])
def test_missing_or_blank_phone_means_no_phone(phone: str | None) -> None:
    draft = Registration("a@example.com", "secret-pw-1", "A", phone)
    assert validate_registration(draft).phone is None


def test_a_72_byte_password_with_letters_and_digits_is_accepted() -> None:
    draft = Registration("a@example.com", "a1" * 36, "A")
    assert validate_registration(draft).password == "a1" * 36


def test_errors_carry_the_graphql_field_name() -> None:
    with pytest.raises(InvalidRegistration) as caught:
        validate_registration(Registration("a@example.com", "secret-pw-1", ""))
    assert caught.value.extensions == {"field": "fullName"}
