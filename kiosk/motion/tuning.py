"""Every number the rep counter uses, in one place, each relative to the signal or physically motivated.

None of these was fitted to a recording: each is a fraction of something the signal measures about
itself (its quiet level, its local envelope, its local period) or a bound on human movement.
`benchmarks/accuracy.py` judges them by leave-one-subject-out cross-validation and by stress copies.

What "still" means, and where (one idea per place, so they are not to be unified):
- orientation.py: the gyro's bias is learnt only where the accelerometer alone says nothing moves
  (a quick and a slow average agree within STILL_ACCEL_DEG there); a sensor-level notion.
- pipeline.py: `still` for the screen and the start pose is a smoothed angular speed under STILL_DPS
  and little bouncing, held for STILL_S; a body-level notion for calibration and the idle screen.
- reps (here): no absolute stillness at all; a recording's quiet level is the smallest spread of the
  gravity direction, in any direction, over QUIET_WINDOW_S, so a ball that never stops wobbling sets its
  own quiet level.
- holds.py: a hold is still enough while its speed stays under a multiple of the wobble measured inside
  that hold, not a fixed deg/s; its edges are where the angle, averaged over HOLD_EDGE_MEAN_S, reaches
  and leaves its plateau.
"""

from __future__ import annotations

# -- the signal the counter looks at -------------------------------------------------------------------
WINDOW_S = 30.0  # s: the bounded history the counter looks back over (three periods of the slowest rep)
REFRESH_S = 1.0  # s: how often the axis, period, envelope and quiet level are measured again
MIN_PERIOD_S = 0.8  # s: the fastest a person repeats a deliberate movement of the trunk or a limb
MAX_PERIOD_S = 10.0  # s: the slowest rep a counter should still call one movement
START_PERIOD_S = 4.0  # s: the period assumed until the signal shows its own (a typical slow rep)
PERIOD_MEMORY_PERIODS = 2.0  # a period the window has not shown for this many of itself is forgotten: a stale
#   one (walking's, kept while lying down filled the window) would misjudge the gaps of the next movement
PERIOD_MIN_CORRELATION = 0.3  # autocorrelation a period must show to replace the one in use

# -- the decision: hysteresis on the projected angle -----------------------------------------------------
HYSTERESIS_FRAC = 0.25  # thresholds at the midline +/- this fraction of the envelope: half the range must be covered
ENVELOPE_PERIODS = 3  # envelope = median of the ranges of this many period-long windows (one stray is outvoted)
QUIET_MEMORY_S = 120.0  # s: the quiet level is the smallest range the angle keeps over QUIET_WINDOW_S...
QUIET_WINDOW_S = 4.0  # s: ...seen over QUIET_MEMORY_S; a window holding a whole breath or ball sway (>= 0.25 Hz)
QUIET_FACTOR = 3.0  # the envelope never drops below this multiple of the quiet level
MIN_ENVELOPE_DEG = 2.0  # deg: and never below what a deliberate movement covers (sensor noise is ~0.1 deg)
LAST_SET_FRAC = 0.25  # nor below this fraction of the last counted set's median excursion (a median: one
LAST_SET_HALF_LIFE_S = 20.0  # s: stray cannot rescale it), a floor that halves this often (a new, smaller set)

# -- holds ----------------------------------------------------------------------------------------------
MIN_HOLD_S = 2.0  # s: in the zone this long before it is a hold: a pause on the way through is not one
HOLD_WOBBLE_S = 3.0  # s: the wobble inside a hold is the mean angular speed over about this long...
HOLD_STILL_WOBBLES = 2.0  # ...and the hold is still enough while the speed stays under this multiple of it
HOLD_EDGE_MEAN_S = 2.0  # s: a hold's edges are judged on the angle averaged over this long: a ball's 0.3-1 Hz
#   swings mostly cancel, a quick move blurs by at most half of it, a body easing in is found where it arrives
HOLD_EDGE_WOBBLES = 1.5  # the averaged angle is on its plateau within this many times the wobble left on it
HOLD_PLATEAU_S = 3.5  # s: the plateau's level and wobble are measured over this long: a whole swing at 0.3 Hz
HOLD_ARRIVE_S = 3.5  # s: a slow move may take this long from the zone's edge to the plateau, or back; the
#   plateau is measured this far in from where the hold began and from where the body was last still

# -- the start pose when nobody keeps still ------------------------------------------------------------
QUIET_POSE_WAIT_S = 6.0  # s: offline, a start pose is waited for this long (3 x the 2 s capture) before...
QUIET_POSE_MEMORY_S = 20.0  # s: ...the quietest 2 s among the last this-many seconds becomes the start pose

# -- what a rep and a set are --------------------------------------------------------------------------
DIRECTION_MAX_DEG = 45.0  # deg: a cycle more than this far off the set's axis is some other movement
SET_GAP_PERIODS = 2.0  # no half-cycle for this many periods ends a set
REST_GAP_PERIODS = 1.0  # leaving rest this many periods after the last return begins a new set (both counters)
PLACE_PERIODS = 2.0  # the body is in a new place once this many periods (of at least START_PERIOD_S) stay...
PLACE_FACTOR = 3.0  # ...within this many times their own spread, after as long entirely outside that band
MOVE_END_PERIODS = 0.1  # the move there ends where the body stops approaching over this fraction of a period
MIN_SET_REPS = 3  # a "set" of fewer cycles is a stray movement (generic mode; the routine may ask for 1)

# -- the second counter: peaks (peaks.py), which says how sure the count is --------------------------------
PEAK_PERIODS = 3  # its axis is the principal axis of this many periods of movement
PEAK_PROMINENCE_FRAC = 0.5  # a turning point stands out by half the local range (and is half the set's swing)
PEAK_QUIET_FACTOR = 1.5  # between sets, by half again the quiet level too (the wobble of a body at rest)
PEAK_SPACING_PERIODS = 0.25  # turning points on one side closer than this many periods are one movement
PEAK_GAP_PERIODS = 2.0  # no turning point for this many periods ends a set (a rep turns twice a period)
