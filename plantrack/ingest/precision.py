"""Floating noise is not a change: values are compared at the indicator's precision.

An indicator's ``precision`` is the decimal places it is shown with. Two values whose
difference is below a ten-thousandth of that last place (``10 ** -(precision + 4)``), or
below one part in 10¹² of their size, are the same figure: 6.4860000000000015 (a sum
computed in Excel) is 6.486, and 100.0000001 % is 100 %. A real correction, even in a digit
not shown (6.486 → 6.487 for a one-decimal indicator), is still a change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def noise(precision: int | None) -> float:
    return 10.0 ** -((precision if precision is not None else 1) + 4)


def same_values(a: np.ndarray | pd.Series, b: np.ndarray | pd.Series, tol: np.ndarray | float):
    """Element-wise: equal within ``tol`` (absolute) or 1e-12 (relative); NaN equals NaN."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    both_nan = np.isnan(x) & np.isnan(y)
    with np.errstate(invalid="ignore"):
        close = np.abs(x - y) <= np.maximum(tol, 1e-12 * np.maximum(np.abs(x), np.abs(y)))
    return both_nan | close


def tolerances(indicators: pd.Series, precision: dict[str, int]) -> np.ndarray:
    """Each row's noise tolerance from its indicator (default precision for unknown ones)."""
    table = {i: noise(p) for i, p in precision.items()}
    return indicators.map(table).fillna(noise(None)).to_numpy(dtype=float)
