"""The field value converters, kept in storage/values.py (the exporters use them too) and named here for coding."""
from __future__ import annotations

from storage.values import CONVERTERS, is_empty, optional_date, to_date, to_int, to_number, to_text

__all__ = ["CONVERTERS", "is_empty", "optional_date", "to_date", "to_int", "to_number", "to_text"]
