"""Phone numbers to E.164, assuming the North American Numbering Plan (+1) when no country is given."""
from __future__ import annotations

import re

DEFAULT_COUNTRY_CODE = "1"
_ALLOWED = re.compile(r"^\+?[0-9 ().\-/]+$")


class PhoneError(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """'(555) 123-0001', '555-123-0001', '+1 555 123 0001', '1-555-123-0001' -> '+15551230001'.

    Raises PhoneError with a reason when the text is not a phone number we can dial.
    """
    text = (raw or "").strip()
    if not text:
        raise PhoneError("phone is empty")
    if text.startswith("00"):  # international call prefix, as dialled from Europe
        text = "+" + text[2:]
    if not _ALLOWED.match(text):
        raise PhoneError(f"phone {raw!r} has characters other than digits, spaces, ( ) . - / and a leading +")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        if digits.startswith("0"):
            raise PhoneError(f"phone {raw!r}: a country code cannot start with 0")
        if digits.startswith(DEFAULT_COUNTRY_CODE) and len(digits) != 11:
            raise PhoneError(f"phone {raw!r}: a +1 number has 10 digits after the country code")
        if not 8 <= len(digits) <= 15:
            raise PhoneError(f"phone {raw!r}: E.164 numbers have 8 to 15 digits")
        return "+" + digits
    if len(digits) == 10:
        return "+" + DEFAULT_COUNTRY_CODE + digits
    if len(digits) == 11 and digits.startswith(DEFAULT_COUNTRY_CODE):
        return "+" + digits
    raise PhoneError(f"phone {raw!r}: expected a 10-digit North American number or +country code and number")


def try_normalize_phone(raw: str | None) -> str | None:
    try:
        return normalize_phone(raw or "")
    except PhoneError:
        return None
