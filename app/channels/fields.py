"""Strict readers of single JSON values that every channel's order mapping shares.

A marketplace's order JSON is read strictly: whatever does not fit raises MappingError naming
the field (`name`, the full path such as "positionItems[2].product.productTitle") and the
problem, so the order is quarantined instead of being stored half right. Each channel keeps
its own walk over its own shape and calls these for the values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class MappingError(ValueError):
    """The order cannot be read; the message names the field and the problem."""


def field_path(where: str, key: str) -> str:
    """`key` inside the object at `where` ("" for the order itself)."""
    return f"{where}.{key}" if where else key


def read_text(value: Any, name: str, *, required: bool = True, limit: int = 200) -> str:
    """A string of at most `limit` characters; null (or absent) is "" unless `required`,
    which also refuses a blank one."""
    if value is None:
        if required:
            raise MappingError(f"{name} is missing")
        return ""
    if not isinstance(value, str):
        raise MappingError(f"{name} should be text but is {type(value).__name__}")
    if len(value) > limit:
        raise MappingError(f"{name} is {len(value)} characters long (at most {limit} expected)")
    if required and not value.strip():
        raise MappingError(f"{name} is empty")
    return value


def as_object(value: Any, name: str) -> dict[str, Any]:
    """`value` if it is a JSON object ("" names the order itself)."""
    if not isinstance(value, dict):
        raise MappingError(f"{name or 'the order'} should be an object but is {type(value).__name__}")
    return value


def read_object(value: Any, name: str, *, required: bool = True) -> dict[str, Any] | None:
    """A JSON object; null (or absent) is None unless `required`."""
    if value is None:
        if required:
            raise MappingError(f"{name} is missing")
        return None
    return as_object(value, name)


def read_whole(value: Any, name: str, low: int, high: int) -> int:
    """A whole number (never a bool or a float) from `low` to `high`."""
    if value is None:
        raise MappingError(f"{name} is missing")
    if isinstance(value, bool) or not isinstance(value, int):
        raise MappingError(f"{name} should be a whole number but is {type(value).__name__}")
    if not low <= value <= high:
        raise MappingError(f"{name} is {value} ({low} to {high} expected)")
    return value


def read_number(value: Any, name: str) -> float | int:
    """A JSON number (never a bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = "missing" if value is None else f"{type(value).__name__} {str(value)[:20]!r}"
        raise MappingError(f"{name} should be a number but is {shown}")
    return value


def read_date(text: str, name: str) -> datetime:
    """An ISO 8601 timestamp that carries its time zone."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise MappingError(f"{name} is not a date: {text[:40]!r}") from None
    if parsed.tzinfo is None:
        raise MappingError(f"{name} has no time zone: {text[:40]!r}")
    return parsed
