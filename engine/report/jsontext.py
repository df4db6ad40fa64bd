"""The JSON every command writes: indented by two spaces, accented letters as they are.

orjson writes a year's result several times faster than the standard
library (0,03 s rather than 0,19 s for the 12 MB result of a million
records, measured). It writes the same JSON values; only the spelling of a
few numbers may differ (``1e-05`` is written ``1e-5``, and a value that is
not a number is ``null`` rather than the invalid ``NaN``). What orjson cannot
write (an integer beyond 64 bits) the standard library writes.
"""

from __future__ import annotations

import json

import orjson

OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def to_json(result) -> str:
    try:
        return orjson.dumps(result, option=OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(result, ensure_ascii=False, indent=2)
