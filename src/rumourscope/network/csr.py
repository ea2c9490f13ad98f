"""Compressed sparse rows: the arrays the network keeps and the simulation kernel walks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import NetworkError

__all__ = ["CSR"]


@dataclass(frozen=True)
class CSR:
    """Rows of integer neighbours: row ``i`` is ``indices[indptr[i]:indptr[i + 1]]``."""

    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def from_pairs(
        cls, rows: np.ndarray, cols: np.ndarray, n_rows: int, *, symmetric: bool = False
    ) -> CSR:
        """Build from (row, col) pairs; each row's neighbours come out sorted and unique.

        With ``symmetric=True`` every pair also stands for (col, row), as for undirected ties
        (``cols`` then index the same things as ``rows``).

        Each pair is packed into one int64 key ``row * width + col`` and the keys are sorted in
        place: one 8-byte array per pair, instead of the index arrays and temporaries a
        lexicographic argsort needs, which matters at tens of millions of pairs. Pairs that
        already come in order (as from a generator) are not sorted again.
        """
        rows = np.asarray(rows)
        cols = np.asarray(cols)
        n = len(rows)
        width = n_rows if symmetric else int(cols.max(initial=-1)) + 1
        width = max(width, 1)
        if n_rows * width >= 2**63:
            raise NetworkError(f"{n_rows} x {width} positions do not fit 64-bit pair keys")
        keys = np.empty(2 * n if symmetric else n, dtype=np.int64)
        halves = [(rows, cols, keys[:n])]
        if symmetric:
            halves.append((cols, rows, keys[n:]))
        for r, c, out in halves:
            out[:] = r
            out *= width
            out += c
            if np.any(out[1:] < out[:-1]):
                out.sort()
        if symmetric:
            keys.sort(kind="stable")  # merges the two sorted halves in linear time
        if len(keys) > 1 and np.count_nonzero(keys[1:] == keys[:-1]):
            fresh = np.empty(len(keys), dtype=bool)
            fresh[0] = True
            np.not_equal(keys[1:], keys[:-1], out=fresh[1:])
            keys = keys[fresh]
        # Row r's keys lie in [r * width, (r + 1) * width): the row starts fall out of a
        # binary search, with no per-pair row array.
        indptr = np.searchsorted(keys, np.arange(n_rows + 1, dtype=np.int64) * width)
        np.remainder(keys, width, out=keys)
        index_dtype = np.int32 if width <= 2**31 else np.int64
        return cls(indptr=indptr.astype(np.int64, copy=False), indices=keys.astype(index_dtype))

    def row(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def degrees(self) -> np.ndarray:
        return np.diff(self.indptr)

    @property
    def nbytes(self) -> int:
        return self.indptr.nbytes + self.indices.nbytes
