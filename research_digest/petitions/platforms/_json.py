"""Typed reads from untrusted JSON: each returns the value or raises DataError."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any
from urllib.parse import urlsplit

from research_digest.files import FORBIDDEN_CHARACTERS

Block = dict[str, Any]


class DataError(ValueError):
    """A petition API response that does not have the expected shape."""


MAX_DEPTH = 32  # the APIs nest four levels deep
MAX_DIGITS = 15  # a count of signatures, a threshold: far below a quadrillion
MAX_COUNT = 10**12
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(text: str) -> Any:
    """Parse JSON a platform sent (or the cache keeps): nesting no deeper than MAX_DEPTH,
    numbers of at most MAX_DIGITS digits, no NaN or Infinity; every string (and key) without
    lone surrogates (made U+FFFD) or characters no page or feed can carry (dropped), so that
    none reaches the cache or a page. Raise json.JSONDecodeError (with its place) or
    DataError."""
    if text.count("[") + text.count("{") > MAX_DEPTH and _deepest(text) > MAX_DEPTH:
        raise DataError(f"the JSON is nested more than {MAX_DEPTH} levels deep")
    value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    return _clean_strings(value)


def _deepest(text: str) -> int:
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise DataError(f"a number of {len(text.lstrip('-')):,} digits")
    return int(text)


def _float(text: str) -> float:
    value = float(text) if len(text) <= 2 * MAX_DIGITS else math.inf
    if not math.isfinite(value):
        raise DataError(f"the number {text[:20]}{'...' if len(text) > 20 else ''} is too large")
    return value


def _constant(name: str) -> float:
    raise DataError(f"{name} is not a number JSON allows")


def _clean_strings(value: Any) -> Any:
    if isinstance(value, str):
        return FORBIDDEN_CHARACTERS.sub("", _LONE_SURROGATE.sub("\ufffd", value))
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    if isinstance(value, dict):
        return {_clean_strings(k): _clean_strings(v) for k, v in value.items()}
    return value


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
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise DataError(f"{key} is {value!r}, expected a whole number up to {MAX_COUNT:,}")
    return value


def optional_positive(block: Block, key: str, default: int) -> int:
    """A positive whole number if the data has one, else the default."""
    value = block.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_COUNT:
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
