"""Whether the two independent rep counters counted the same reps: what "high" confidence means.

Equal totals are not enough: one counter may miss a rep the other counts while the other misses another
(a rep too shallow for one, a first rep after a stray for the other), and the totals agree by chance.
Two reps are the same rep when the second counter saw the movement turn (its far end) while the first's rep
was under way (from its start to when it was counted, and nearer its far end than halfway to a neighbour's);
or else when their far ends are nearer to each other than SAME_REP_GAPS of the way to the neighbouring rep's
far end (the counters date a far end differently: the extreme, the middle of a held pose). A rep with no
neighbour on one side is judged by its own length on that side. A counter that dates its reps from the other
turning point of each cycle is half a rep off on every rep; a counter that counted another rep is a whole rep
off: three quarters is the boundary between the two.
"""

from __future__ import annotations

from .events import RepCounted

SAME_REP_GAPS = 0.75  # of the time to the neighbouring rep's far end (see above)


class Agreement:
    """The reps each counter has counted in this exercise, and whether they are the same ones."""

    def __init__(self) -> None:
        self.counted: list[RepCounted] = []  # by the counter whose count the kiosk says
        self.checks: list[RepCounted] = []  # by the independent second counter
        self._same: bool | None = True  # None: to be judged again

    def add(self, counted: list[RepCounted], checks: list[RepCounted]) -> None:
        if counted or checks:
            self.counted += counted
            self.checks += checks
            self._same = None

    @property
    def same(self) -> bool:
        if self._same is None:
            self._same = same_reps(self.counted, self.checks)
        return self._same


def same_reps(counted: list[RepCounted], checks: list[RepCounted]) -> bool:
    """Every counted rep has its own check rep, and no check rep is left over (both in the order they turned)."""
    if len(counted) != len(checks):
        return False
    mine, theirs = sorted(counted, key=lambda r: r.far), sorted(r.far for r in checks)
    for i, (rep, other) in enumerate(zip(mine, theirs, strict=True)):
        own = max(rep.t - rep.start, 0.0)  # a rep with no neighbour on a side is judged by its own length there
        before = rep.far - mine[i - 1].far if i > 0 else own
        after = mine[i + 1].far - rep.far if i + 1 < len(mine) else own
        # Under way: from its start to its count (a count may come late, when its set proves itself), and no
        # nearer a neighbour's far end than its own.
        if max(rep.start, rep.far - before / 2) <= other <= min(rep.t, rep.far + after / 2):
            continue
        if abs(rep.far - other) > SAME_REP_GAPS * min(before, after):
            return False
    return True
