"""What a session leaves behind: one result per exercise, shared by the engine and the history."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HoldRecord:
    side: str | None
    seconds: float
    completed: bool


@dataclass
class ExerciseResult:
    exercise_id: str
    name: str
    detect: str  # reps | hold
    position: int
    status: str = "partial"  # completed | partial | skipped
    reps_done: int = 0
    reps_target: int = 0
    hold_target_s: float = 0.0
    holds_wanted: int = 0
    holds: list[HoldRecord] = field(default_factory=list)
    range_deg: float = 0.0  # the largest rep or hold angle reached
    duration_s: float = 0.0
    calibration: str = ""  # good | fair | poor | forced, how well the start pose was set
    confidence: str = "high"  # the rep count's: "low" when two independent counters disagreed

    def seconds_on(self, side: str | None) -> float:
        return round(sum(h.seconds for h in self.holds if h.side == side), 1)

    @property
    def holds_completed(self) -> int:
        return sum(h.completed for h in self.holds)


@dataclass
class SessionRecord:
    id: int
    started_at: str
    ended_at: str | None
    status: str  # in_progress | completed | partial | stopped_pain | interrupted
    routine: str
    pain: int | None = None  # the end-of-session check-in
    pain_during: int | None = None  # the worst score given through "it hurts" during the session
    results: list[ExerciseResult] = field(default_factory=list)
    person: str | None = None  # None: a guest
    kiosk: str | None = None  # in a clinic's collected history: the kiosk it came from
