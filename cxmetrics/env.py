"""Reading settings from environment variables (used by cxmetrics/settings.py only).

For flags, numbers and lists an unset or empty variable means the default, so `FOO=` in a .env
file never turns a setting off by accident; a string is returned as given (settings write
`env_str(NAME) or fallback` where empty must mean the fallback). Pure: no Django import.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["development_secret_key", "env_bool", "env_int", "env_list", "env_str"]


def env_str(name: str, default: str = "") -> str:
    """The variable as given (an empty value is returned as is)."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """True for 1/true/yes/on (any case, spaces ignored), False for anything else set."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """A whole number; a value that is not one fails at start-up (ValueError)."""
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated items, stripped, empty items dropped."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def development_secret_key(path: Path) -> str:
    """A random key generated once per checkout and kept in `path` (git-ignored, mode 600)."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key
