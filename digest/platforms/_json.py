"""Typed reads from untrusted JSON: each returns the value or raises DataError."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from digest.files import FORBIDDEN_CHARACTERS

Block = dict[str, Any]


class DataError(ValueError):
    """A petition API response that does not have the expected shape."""


def obj(value: object, what: str) -> Block:
    if not isinstance(value, dict):
        raise DataError(f"{what} is not a JSON object")
    return value


def text(block: Block, key: str) -> str:
    value = block.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{key} is {value!r}, expected text")
    return clean(value)


def optional_text(block: Block, key: str) -> str | None:
    value = block.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DataError(f"{key} is {value!r}, expected text or null")
    return clean(value) or None


def clean(value: str) -> str:
    """Normalise line endings, drop characters no page or feed can carry (control
    characters) and trim: the APIs send Windows line endings."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return FORBIDDEN_CHARACTERS.sub("", value).strip()


def count(block: Block, key: str) -> int:
    value = block.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DataError(f"{key} is {value!r}, expected a whole number")
    return value


def optional_positive(block: Block, key: str, default: int) -> int:
    """A positive whole number if the data has one, else the default."""
    value = block.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return default


def time(block: Block, key: str) -> dt.datetime | None:
    value = block.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DataError(f"{key} is {value!r}, expected a timestamp")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise DataError(f"{key} is {value!r}, expected a timestamp") from None
    if moment.tzinfo is None:
        raise DataError(f"{key} is {value!r}, a timestamp with no time zone")
    return moment.astimezone(dt.UTC)


def date(block: Block, key: str) -> dt.date | None:
    value = block.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10] if "T" in value else value)
        except ValueError:
            pass
    raise DataError(f"{key} is {value!r}, expected a date")


def http_url(value: object) -> str | None:
    """Keep an http(s) URL from the API; anything else is dropped."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return None if any(c.isspace() or ord(c) < 32 for c in url) else url
