"""Cheap improving panels by local search, so the exact oracle is needed far less often.

Column generation only needs *some* panel whose weight beats the current threshold, and the
exact integer program proves that none exists only at the end of each stage. Starting from the
best panels already known, this module climbs by exchanges that keep every quota:

- a 1-swap replaces one person's type by another whose answers differ only on quota rows with
  room to spare (a minimum not yet reached cannot lose anyone, a full maximum cannot gain);
- a 2-swap takes two chosen people a and b and puts in two people c and d whose answers
  are a *recombination* of theirs: for each feature, c has a's answer and d has b's, or the
  other way round. The panel's count for every quota row stays the same, so this works even
  when every quota is exact (minimum = maximum), where single swaps never can.

Every panel on the way up whose weight beats the threshold is returned. The search is
deterministic (ties go to the lowest index).
"""

from __future__ import annotations

import itertools

import numpy as np

from coproduce.sortition.instance import BoolArray, FloatArray, Instance, IntArray

#: Recombination masks are enumerated in full up to this many features, otherwise those that
#: exchange at most `MAX_EXCHANGED` features.
ALL_MASKS_UP_TO = 12
MAX_EXCHANGED = 3
#: Exact integer codes of answer vectors must fit in int64; up to `TABLE_LIMIT` possible codes
#: they are looked up in a dense table, beyond it by binary search.
CODE_LIMIT = 2**62
TABLE_LIMIT = 4_000_000


class LocalSearch:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        codes = instance.codes
        types, features = codes.shape
        self.counts = instance.counts
        sizes = [len(rows) for _, rows in instance.features]
        self.swap_pairs = features > 0 and float(np.prod(np.array(sizes, dtype=np.float64))) < CODE_LIMIT
        self.radix = np.cumprod([1, *sizes[:-1]]).astype(np.int64) if features else np.zeros(0, np.int64)
        self.code = codes @ self.radix if features else np.zeros(types, np.int64)
        # One representative type per answer vector: prefer types without housemates.
        order = np.lexsort((instance.household_of >= 0, self.code))
        codes_sorted = self.code[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = codes_sorted[1:] != codes_sorted[:-1]
        self.sorted_codes = codes_sorted[first]
        self.sorted_types = order[first]
        space = float(np.prod(np.array(sizes, dtype=np.float64))) if features else 0.0
        self.table: IntArray | None = None
        if 0 < space <= TABLE_LIMIT:
            self.table = np.full(int(space), -1, dtype=np.int64)
            self.table[self.sorted_codes] = self.sorted_types
        self.masks = self._masks(features)
        self.weighted = codes * self.radix[None, :] if features else np.zeros((types, 0), np.int64)
        self.exact = bool(np.all(instance.lower == instance.upper))
        self.has_households = bool(instance.households)
        self.household_of = instance.household_of
        self._pair_start: IntArray | None = None
        self._pair_c: IntArray | None = None
        self._pair_d: IntArray | None = None
        self._triangles: dict[int, tuple[IntArray, IntArray]] = {}

    @staticmethod
    def _masks(features: int) -> IntArray:
        if features < 2:
            return np.zeros((0, features), dtype=np.int64)
        rows: list[tuple[int, ...]] = []
        if features <= ALL_MASKS_UP_TO:
            # The last feature is never exchanged: exchanging all features only swaps c and d.
            rows = [tuple(bits) + (0,) for bits in itertools.product((0, 1), repeat=features - 1)]
        else:
            for k in range(1, MAX_EXCHANGED + 1):
                for chosen in itertools.combinations(range(features), k):
                    rows.append(tuple(1 if f in chosen else 0 for f in range(features)))
        masks = np.array([r for r in rows if any(r)], dtype=np.int64)
        return masks

    def _lookup(self, codes: IntArray) -> IntArray:
        if self.table is not None:
            return self.table[codes]
        position = np.searchsorted(self.sorted_codes, codes)
        position = np.minimum(position, len(self.sorted_codes) - 1)
        found = self.sorted_codes[position] == codes
        return np.where(found, self.sorted_types[position], -1)

    def improve(self, start: IntArray, weights: FloatArray, threshold: float, max_steps: int = 60) -> list[IntArray]:
        """Climb from `start`; return every panel met on the way whose weight is above `threshold`."""
        x = start.copy()
        better: list[IntArray] = []
        for _ in range(max_steps):
            move = self._best_move(x, weights)
            if move is None:
                break
            removed, added = move
            for t in removed:
                x[t] -= 1
            for t in added:
                x[t] += 1
            if float(weights @ x) > threshold:
                better.append(x.copy())
        return better

    def _best_move(self, x: IntArray, w: FloatArray) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        chosen = np.nonzero(x)[0]
        best_gain = 1e-12
        best: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        household_load = self._household_load(x)
        if not self.exact:
            move, gain = self._best_single(x, w, chosen, household_load)
            if move is not None and gain > best_gain:
                best_gain, best = gain, move
        if self.swap_pairs and len(chosen) >= 2 and len(self.masks):
            move, gain = self._best_pair(x, w, chosen, household_load)
            if move is not None and gain > best_gain:
                best = move
        return best

    def _household_load(self, x: IntArray) -> IntArray:
        inst = self.instance
        load = np.zeros(len(inst.households), dtype=np.int64)
        if self.has_households:
            in_house = self.household_of >= 0
            np.add.at(load, self.household_of[in_house], x[in_house])
        return load

    def _house_ok(self, added: IntArray, removed: list[IntArray], load: IntArray) -> BoolArray:
        """Whether adding type `added` keeps its household within one person, after removals."""
        house = self.household_of[np.maximum(added, 0)]
        free = np.ones(added.shape, dtype=bool)
        if not self.has_households:
            return free
        in_house = house >= 0
        current = np.where(in_house, load[np.maximum(house, 0)], 0)
        for r in removed:
            current = current - (in_house & (self.household_of[r] == house))
        return np.asarray(~in_house | (current == 0))

    def _best_single(self, x: IntArray, w: FloatArray, chosen: IntArray,
                     load: IntArray) -> tuple[tuple[tuple[int, ...], tuple[int, ...]] | None, float]:
        inst = self.instance
        if not len(chosen):
            return None, 0.0
        # Only a type worth more than the cheapest chosen one can gain anything.
        candidates = np.nonzero((x < self.counts) & (w > float(w[chosen].min()) + 1e-12))[0]
        if not len(candidates):
            return None, 0.0
        gain = w[candidates][None, :] - w[chosen][:, None]
        totals = inst.matrix @ x
        can_lose = totals > inst.lower
        can_gain = totals < inst.upper
        out_rows = inst.rows[chosen]
        in_rows = inst.rows[candidates]
        out_ok = can_lose[out_rows]
        in_ok = can_gain[in_rows]
        # Feature by feature (2-D arrays: much cheaper than one 3-D array and a reduction):
        # each answer that changes must leave a row with room to lose and enter one with
        # room to gain.
        feasible = gain > 1e-12
        for f in range(out_rows.shape[1]):
            same = out_rows[:, f, None] == in_rows[None, :, f]
            feasible &= same | (out_ok[:, f, None] & in_ok[None, :, f])
        if self.has_households:
            added = np.broadcast_to(candidates[None, :], feasible.shape)
            removed = np.broadcast_to(chosen[:, None], feasible.shape)
            feasible &= self._house_ok(added, [removed], load)
        if not feasible.any():
            return None, 0.0
        gain = np.where(feasible, gain, -np.inf)
        i, j = np.unravel_index(int(np.argmax(gain)), gain.shape)
        return ((int(chosen[i]),), (int(candidates[j]),)), float(gain[i, j])

    def _pair_candidates(self, a: IntArray, b: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """For pairs of types (a[i], b[i]) with a[i] < b[i]: every recombination (c, d) that
        exists in the pool, as flat arrays (pair index, c, d)."""
        if self._pair_start is None:
            self._build_pair_table()
        assert self._pair_start is not None and self._pair_c is not None and self._pair_d is not None
        keys = a * self.instance.type_count + b
        begin = self._pair_start[keys]
        sizes = self._pair_start[keys + 1] - begin
        total = int(sizes.sum())
        pair = np.repeat(np.arange(len(keys)), sizes)
        offsets = np.cumsum(sizes) - sizes
        index = np.repeat(begin - offsets, sizes) + np.arange(total)
        return pair, self._pair_c[index], self._pair_d[index]

    def _build_pair_table(self) -> None:
        """Recombinations of every pair of types, in compressed rows (built once, in chunks)."""
        types = self.instance.type_count
        starts = np.zeros(types * types + 1, dtype=np.int64)
        c_parts: list[IntArray] = []
        d_parts: list[IntArray] = []
        counts = np.zeros(types * types, dtype=np.int64)
        for a in range(types - 1):
            b = np.arange(a + 1, types)
            c_code = self.weighted[a] @ self.masks.T + self.weighted[b] @ (1 - self.masks).T
            d_code = (self.code[a] + self.code[b])[:, None] - c_code
            c = self._lookup(c_code)
            d = self._lookup(d_code)
            ok = (c >= 0) & (d >= 0)
            counts[a * types + b] = ok.sum(axis=1)
            c_parts.append(c[ok])
            d_parts.append(d[ok])
        starts[1:] = np.cumsum(counts)
        self._pair_start = starts
        self._pair_c = np.concatenate(c_parts) if c_parts else np.zeros(0, dtype=np.int64)
        self._pair_d = np.concatenate(d_parts) if d_parts else np.zeros(0, dtype=np.int64)

    def _triangle(self, size: int) -> tuple[IntArray, IntArray]:
        found = self._triangles.get(size)
        if found is None:
            first, second = np.triu_indices(size, 1)
            found = self._triangles[size] = (first.astype(np.int64), second.astype(np.int64))
        return found

    def _best_pair(self, x: IntArray, w: FloatArray, chosen: IntArray,
                   load: IntArray) -> tuple[tuple[tuple[int, ...], tuple[int, ...]] | None, float]:
        first, second = self._triangle(len(chosen))
        pair, c, d = self._pair_candidates(chosen[first], chosen[second])
        if not len(pair):
            return None, 0.0
        a = chosen[first][pair]
        b = chosen[second][pair]
        after_c = x[c] - (c == a) - (c == b) + 1
        after_d = x[d] - (d == a) - (d == b) + (d == c) + 1
        ok = (after_c <= self.counts[c]) & (after_d <= self.counts[d])
        if self.has_households:
            removed = [a, b]
            ok &= self._house_ok(c, removed, load) & self._house_ok(d, removed, load)
            ok &= ~((self.household_of[c] >= 0) & (self.household_of[c] == self.household_of[d]))
        gain = np.where(ok, w[c] + w[d] - w[a] - w[b], -np.inf)
        i = int(np.argmax(gain))
        if not np.isfinite(gain[i]):
            return None, 0.0
        return ((int(a[i]), int(b[i])), (int(c[i]), int(d[i]))), float(gain[i])
