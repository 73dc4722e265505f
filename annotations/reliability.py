"""Reliability coefficients over coded units: Cohen's κ (two coders) and Krippendorff's α (nominal,
any number of coders, missing values). Pure functions over counts; nothing here knows about text.

α is computed from the coincidence matrix of value *patterns* (which values the coders gave a unit,
aggregated over units), so memory grows with the number of distinct patterns, not with the number
of units: a corpus of millions of tokens where most tokens are outside every span has a handful of
patterns. tests/unit/team/test_agreement.py checks the figures against Krippendorff's worked
examples (*Computing Krippendorff's Alpha-Reliability*) and against the ``krippendorff`` package.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

V = TypeVar("V", bound=Hashable)


def cohen_kappa(pairs: Mapping[tuple[V, V], int]) -> float | None:
    """Cohen's κ from the counts of (value of coder A, value of coder B) over units both coded.

    None when undefined: no units, or chance agreement is 1 (both coders used one and the same
    value everywhere).
    """
    n = sum(pairs.values())
    if n == 0:
        return None
    agree = 0
    row: Counter[V] = Counter()
    col: Counter[V] = Counter()
    for (a, b), c in pairs.items():
        if a == b:
            agree += c
        row[a] += c
        col[b] += c
    p_o = agree / n
    p_e = sum(row[v] * col.get(v, 0) for v in row) / (n * n)
    if p_e >= 1.0:
        return None
    return (p_o - p_e) / (1.0 - p_e)


def alpha_nominal(patterns: Mapping[tuple[int, ...], int]) -> float | None:
    """Krippendorff's α for nominal data from unit patterns.

    A pattern is the sorted tuple of the values the coders gave one unit (missing values left out),
    mapped to how many units have it. Units with fewer than two values are not pairable and do not
    count. None when undefined (fewer than two pairable values, or a single value used throughout).
    """
    n_c: Counter[int] = Counter()  # pairable values per category
    o_diag = 0.0  # coincidences of a value with itself, summed over categories
    n = 0
    for pattern, units in patterns.items():
        m = len(pattern)
        if m < 2 or units <= 0:
            continue
        counts = Counter(pattern)
        for value, k in counts.items():
            n_c[value] += k * units
            o_diag += units * k * (k - 1) / (m - 1)
        n += m * units
    if n < 2:
        return None
    expected = n * n - sum(k * k for k in n_c.values())  # sum over c != k of n_c * n_k
    if expected == 0:
        return None
    observed = n - o_diag  # sum over c != k of o_ck
    return 1.0 - (n - 1) * observed / expected


def alpha_from_table(rows: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's α (nominal) from reliability data: one row per unit, one cell per coder,
    None for a missing value."""
    ids: dict[Hashable, int] = {}
    patterns: Counter[tuple[int, ...]] = Counter()
    for unit in rows:
        values = sorted(ids.setdefault(v, len(ids)) for v in unit if v is not None)
        patterns[tuple(values)] += 1
    return alpha_nominal(patterns)
