"""The Fenwick tree of line counts against plain prefix sums."""

from __future__ import annotations

from itertools import accumulate

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.line_index import LineIndex

counts = st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=200)
edits = st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=50)))


@settings(max_examples=300, deadline=None)
@given(counts, counts, edits)
def test_appends_and_corrections_keep_every_prefix_and_lookup_right(
    first: list[int], more: list[int], changes: list[tuple[int, int]]
) -> None:
    index = LineIndex(first)
    for count in more:
        index.append(count)
    plain = [*first, *more]
    for position, count in changes:
        position %= len(plain)
        index.set(position, count)
        plain[position] = count
    prefix = [0, *accumulate(plain)]
    assert index.total == prefix[-1]
    assert [index.first_line(i) for i in range(len(plain) + 1)] == prefix
    assert [index[i] for i in range(len(plain))] == plain
    for line in range(prefix[-1]):
        block, first_line = index.find(line)
        assert prefix[block] <= line < prefix[block + 1] and first_line == prefix[block]
