"""A person's progress as a therapist reads it: range of motion, hold seconds per side, and pain, over sessions.

Plain numbers from the history, shared by the on-screen history and `backstretch report`, so the
screen and the printed sheet cannot disagree. Skipped exercises and exercises with nothing done
are left out rather than drawn as zeros: a zero would say the person could not move.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .results import SessionRecord

SIDES = ("left", "right")


@dataclass
class Progress:
    person: str
    dates: list[str] = field(default_factory=list)  # one per session, oldest first (YYYY-MM-DD)
    statuses: list[str] = field(default_factory=list)
    kiosks: list[str] = field(default_factory=list)  # the kiosks the sessions came from (a clinic's collected file)
    # exercise name -> (session index, largest angle reached in degrees)
    range_deg: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    # per-side exercise name -> (session index, mean seconds held on the left, on the right; None: none that side)
    side_seconds: dict[str, list[tuple[int, float | None, float | None]]] = field(default_factory=dict)
    pain: list[tuple[int, int]] = field(default_factory=list)  # (session index, score 0..10)

    @property
    def sessions(self) -> int:
        return len(self.dates)

    def asymmetry(self, exercise: str) -> tuple[float, float] | None:
        """Mean seconds per hold on the left and on the right over all sessions, when both sides were held."""
        rows = self.side_seconds.get(exercise, [])
        left = [v for _, v, _ in rows if v is not None]
        right = [v for _, _, v in rows if v is not None]
        if not left or not right:
            return None
        return sum(left) / len(left), sum(right) / len(right)


def progress(sessions: list[SessionRecord], person: str, last: int | None = None) -> Progress:
    """`sessions` as History.sessions() gives them (newest first); keeps the person's `last` ones."""
    mine = [s for s in sessions if (s.person or "").casefold() == person.casefold()]
    mine = list(reversed(mine[:last] if last else mine))
    p = Progress(person)
    for index, s in enumerate(mine):
        p.dates.append(s.started_at[:10])
        p.statuses.append(s.status)
        if s.kiosk and s.kiosk not in p.kiosks:
            p.kiosks.append(s.kiosk)
        if s.pain is not None:
            p.pain.append((index, s.pain))
        best: dict[str, float] = {}
        for r in s.results:
            if r.status == "skipped" or (r.reps_done == 0 and not r.holds):
                continue
            best[r.name] = max(best.get(r.name, 0.0), r.range_deg)
            if r.detect == "hold" and any(h.side for h in r.holds):
                means = [_mean([h.seconds for h in r.holds if h.side == side]) for side in SIDES]
                p.side_seconds.setdefault(r.name, []).append((index, means[0], means[1]))
        for name, deg in best.items():
            p.range_deg.setdefault(name, []).append((index, deg))
    return p


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None
