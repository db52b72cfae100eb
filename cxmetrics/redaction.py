"""Mask personal data in free text before it is stored: e-mail addresses, payment card numbers
(13-19 digits passing the Luhn check) and phone numbers. Pure; no Django import.

Masking errs on the side of privacy where a number is ambiguous, but keeps what executives need
to read a comment: dates, times, prices, quantities and short numbers stay. An order or ticket
number named as such ("order 12345678", "ticket #5551234") stays unless it starts with +.
Three entry points, one set of patterns: `redact` for prose (comments), `redact_identifier`
for id-like fields (agent_ref), `redact_json` for structured values (attributes).
Tests: tests/pipeline/test_redaction.py, tests/privacy/test_masking.py.
"""

from __future__ import annotations

import re
from typing import Any

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
CARD_MASK = "[card]"

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,}\b"
)
# 13-19 digits, optionally split by single spaces or dashes (4-4-4-4, 4-6-5, ...).
_CARD = re.compile(r"(?<![\d])\d(?:[ \-]?\d){12,18}(?![\d])")

# Numbers that are not phone numbers and must never be eaten by the phone pattern.
_DATE = r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_YEARS = r"(?:19|20)\d{2}\s?[-–]\s?(?:(?:19|20)\d{2}|\d{2})"
_MONEY = (
    r"(?:[$€£¥]|\b(?:USD|EUR|GBP|CHF)\s?)\s?\d[\d,. ]*\d"
    r"|\d[\d,. ]*\d\s?(?:[$€£¥]|(?:USD|EUR|GBP|CHF|dollars?|euros?|pounds?)\b)"
)
_DECIMAL = r"\d+[.,]\d{1,2}(?!\d)"
# A phone candidate: optional + or 00, optional (area code), digit groups split by one space,
# dash, dot or a parenthesis pair.
_PHONE = r"(?:\+|\b00)?\(?\d{1,5}\)?(?:[ \-.]?\(?\d{1,6}\)?){1,6}"
_TOKENS = re.compile(
    rf"(?P<keep>(?<![\d])(?:{_DATE}|{_TIME}|{_YEARS}|{_MONEY}|{_DECIMAL})(?![\d]))"
    rf"|(?P<phone>(?<![\w+]){_PHONE}(?![\w]))"
)
_NAMED_NUMBER = re.compile(
    r"(?:order|invoice|ticket|case|ref|reference|tracking|booking|account|item|sku|no\.?|#)"
    r"\s*(?:number|no\.?|nr\.?|id)?\s*[:#]?\s*$",
    re.IGNORECASE,
)
_PHONE_WORD = re.compile(
    r"(?:phone|call|tel|telephone|mobile|cell|whatsapp|sms|text|fax|reach|dial)\w*\W{0,20}$",
    re.IGNORECASE,
)


def luhn_valid(digits: str) -> bool:
    """True when the digit string passes the Luhn (mod 10) check of payment card numbers."""
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
    return CARD_MASK if luhn_valid(digits) else match.group(0)


def _is_phone(candidate: str, before: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15:
        return False
    named = bool(_NAMED_NUMBER.search(before))
    if candidate.startswith("+") or (candidate.startswith("00") and not named):
        return len(digits) >= 8
    if named:
        return False  # "order 55512345", "ref 0012345678": an identifier the reader needs
    grouped = bool(re.search(r"[ \-.()]", candidate))
    if _PHONE_WORD.search(before):
        return True
    if grouped:
        return True  # "020 7946 0958", "555-123-4567", "(555) 123 4567"
    # An unbroken run: national numbers with a trunk 0, or 10+ digits, are phones; 7-9 bare
    # digits are too often amounts or ids to mask without a phone word before them.
    return digits.startswith("0") or len(digits) >= 10


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    if match.group("keep") is not None:
        return text
    before = match.string[max(0, match.start() - 30) : match.start()]
    # Trailing separators belong to the sentence ("call 555 1234."), not the number.
    stripped = text.rstrip(" .-")
    if _is_phone(stripped, before):
        return PHONE_MASK + text[len(stripped) :]
    return text


# Every pattern needs an "@" or a digit: text without either is returned as is, unscanned.
_MAY_CHANGE = re.compile(r"[@\d]").search
_BARE_DIGITS = re.compile(r"\d+").fullmatch


def redact(text: str) -> str:
    """Return `text` with e-mails, card numbers and phone numbers replaced by markers.

    Order matters: e-mails first (their digits are not phones), then cards (a card is also a
    long digit run), then phones.
    """
    if not text or not _MAY_CHANGE(text):
        return text
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _CARD.sub(_mask_card, text)
    return _TOKENS.sub(_mask_phone, text)


def redact_identifier(text: str) -> str:
    """`redact` for a field that names someone or something by id (agent_ref, attribute values).

    A value that is only digits is an identifier (ticketing systems number agents, orders and
    tickets with 10-14 digits), kept as is unless it is a Luhn-valid 15-19 digit run, which is
    read as a card number. Anything else is masked as prose: e-mails, phones written as phones
    (+, separators), cards.
    """
    if not text or not _MAY_CHANGE(text):
        return text
    if _BARE_DIGITS(text):
        return CARD_MASK if 15 <= len(text) <= 19 and luhn_valid(text) else text
    return redact(text)


def redact_json(value: Any) -> Any:
    """A copy of a JSON value with every string masked by `redact_identifier`, at any depth.

    Object keys are kept (they are the sender's field names); numbers, booleans and null are
    kept (masking would change their type, and a number is read as an id).
    """
    if isinstance(value, str):
        return redact_identifier(value)
    if isinstance(value, dict):
        return {key: redact_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_json(item) for item in value]
    return value
