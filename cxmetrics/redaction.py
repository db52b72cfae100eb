"""Mask personal data in free text before it is stored: e-mail addresses, phone numbers and
payment card numbers (13-19 digits passing the Luhn check). Pure; no Django import.
"""

from __future__ import annotations

import re

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
CARD_MASK = "[card]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# A run of 13-19 digits, optionally split by single spaces or dashes.
_CARD = re.compile(r"(?<![\d])(?:\d[ \-]?){12,18}\d(?![\d])")
# International or national phone numbers: at least 7 digits with usual separators.
_PHONE = re.compile(r"(?<![\w])(?:\+|00)?\d[\d\s().\-]{5,}\d(?![\w])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return CARD_MASK if 13 <= len(digits) <= 19 and luhn_valid(digits) else match.group(0)


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7 or len(digits) > 15:
        return text
    # Dates and plain amounts ("2024-05-01", "1,000.50") are not phone numbers.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return text
    return PHONE_MASK


def redact(text: str) -> str:
    """Return `text` with e-mails, card numbers and phone numbers replaced by markers."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _CARD.sub(_mask_card, text)
    return _PHONE.sub(_mask_phone, text)
