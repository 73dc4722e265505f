"""Line counts of a document's blocks, with the first line of any block and the block of any line in
O(log n): a Fenwick (binary indexed) tree.

A document of a million lines has tens of thousands of blocks whose counts start as estimates and are
corrected one by one as blocks are laid out. Keeping a prefix-sum list would cost a rebuild of the
whole list per correction; here a correction, an appended block and each query cost O(log n).
"""

from __future__ import annotations

from collections.abc import Iterable


class LineIndex:
    """Counts (each at least 1) of blocks 0..n-1."""

    __slots__ = ("_counts", "_top", "_tree", "total")

    def __init__(self, counts: Iterable[int] = ()) -> None:
        self._counts: list[int] = list(counts)
        self._tree: list[int] = [0, *self._counts]  # 1-based; built in O(n)
        n = len(self._counts)
        for i in range(1, n + 1):
            parent = i + (i & -i)
            if parent <= n:
                self._tree[parent] += self._tree[i]
        self.total = sum(self._counts)
        self._top = 1 << n.bit_length() if n else 0

    def __getitem__(self, index: int) -> int:
        return self._counts[index]

    def append(self, count: int) -> None:
        counts, tree = self._counts, self._tree
        counts.append(count)
        i = len(counts)
        # The new node covers (i - lowbit(i), i]: its own count plus the nodes below it.
        value = count
        step = 1
        low = i & -i
        while step < low:
            value += tree[i - step]
            step <<= 1
        tree.append(value)
        self.total += count
        if i >= self._top:
            self._top = 1 << i.bit_length()

    def set(self, index: int, count: int) -> None:
        delta = count - self._counts[index]
        if not delta:
            return
        self._counts[index] = count
        self.total += delta
        tree = self._tree
        n = len(self._counts)
        i = index + 1
        while i <= n:
            tree[i] += delta
            i += i & -i

    def first_line(self, index: int) -> int:
        """The number of lines in blocks before index (the index of its first line)."""
        tree = self._tree
        total = 0
        i = index
        while i > 0:
            total += tree[i]
            i -= i & -i
        return total

    def find(self, line: int) -> tuple[int, int]:
        """(block, first line of that block) for a line index 0 <= line < total."""
        tree = self._tree
        n = len(self._counts)
        position = 0
        remaining = line
        step = self._top
        while step:
            nxt = position + step
            if nxt <= n and tree[nxt] <= remaining:
                position = nxt
                remaining -= tree[nxt]
            step >>= 1
        return position, line - remaining
