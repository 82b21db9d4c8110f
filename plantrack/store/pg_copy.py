"""A pandas frame as one block of ``COPY … FROM STDIN (FORMAT csv)`` data for the PostgreSQL
engine's ``register``, written by pyarrow's CSV writer instead of one Python call per row
(a quarter's 44k rows: ≈ 0.1 s instead of ≈ 0.5 s).

Every present value is quoted and a missing one is written as nothing, which PostgreSQL's CSV
format reads as NULL (a quoted empty field stays an empty string). Numbers are written exactly
(shortest round-trip form), dates and timestamps in ISO form. A column of another Arrow type
(bytes, nested values, objects pyarrow cannot convert …) makes :func:`copy_csv` return None:
the caller then writes the rows one by one.
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.types as pat

COPY_OPTIONS = "(FORMAT csv)"
_WRITE = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")


def _writable(t: pa.DataType) -> bool:
    return bool(
        pat.is_null(t)
        or pat.is_boolean(t)
        or pat.is_integer(t)
        or pat.is_floating(t)
        or pat.is_string(t)
        or pat.is_large_string(t)
        or pat.is_date32(t)
        or pat.is_timestamp(t)
    )


def copy_csv(frame: pd.DataFrame) -> bytes | None:
    """The frame's rows as COPY CSV data (UTF-8), or None when a column cannot be written so."""
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):  # mixed or unknown objects
        return None
    if not all(_writable(f.type) for f in table.schema):
        return None
    table = table.cast(pa.schema([_widened(f) for f in table.schema]), safe=False)
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer, _WRITE)
    return buffer.getvalue()


def _widened(field: pa.Field) -> pa.Field:
    """float32 as float64 (the value stored is the float32's exact value, as before);
    nanosecond timestamps cut to microseconds (PostgreSQL's precision, as before)."""
    t = field.type
    if pat.is_float32(t) or pat.is_float16(t):
        return field.with_type(pa.float64())
    if pat.is_timestamp(t) and t.unit == "ns":
        return field.with_type(pa.timestamp("us", tz=t.tz))
    return field
