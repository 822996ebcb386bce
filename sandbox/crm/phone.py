"""Phone numbers to E.164 (the rules live in the platform: cti dials with the same ones)."""
from ..platform.phone import DEFAULT_COUNTRY_CODE, PhoneError, normalize_phone, try_normalize_phone

__all__ = ["DEFAULT_COUNTRY_CODE", "PhoneError", "normalize_phone", "try_normalize_phone"]
