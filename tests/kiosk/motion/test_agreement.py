"""Two counters agree when they counted the same reps, not merely as many (kiosk/motion/agreement.py)."""

from backstretch.kiosk.motion.agreement import Agreement, same_reps
from backstretch.kiosk.motion.events import RepCounted


def reps(*fars: float, length: float = 4.0) -> list[RepCounted]:
    """Reps of `length` seconds whose far ends came at `fars`, counted on the way home."""
    return [RepCounted(f + length / 2, i + 1, f - length / 2, 20.0, f) for i, f in enumerate(fars)]


def test_the_same_reps_seen_a_moment_apart_agree():
    assert same_reps(reps(2.0, 7.0, 12.0), reps(2.6, 6.3, 13.5))  # nearer each other than to the neighbours


def test_as_many_reps_but_not_the_same_ones_do_not_agree():
    """One counter missed the first rep and the other the third: the totals agree by chance."""
    assert not same_reps(reps(2.0, 7.0, 17.0), reps(7.0, 12.0, 17.0))


def test_a_far_end_three_quarters_of_the_way_to_the_next_rep_is_another_rep():
    assert same_reps(reps(10.0, 14.0), reps(12.0, 16.0))  # half a rep off: the other turning point of each cycle
    assert not same_reps(reps(10.0, 14.0), reps(13.1, 17.1))


def test_a_rep_counted_by_one_counter_only_does_not_agree():
    assert not same_reps(reps(2.0, 7.0), reps(2.0))
    assert same_reps([], [])


def test_agreement_is_judged_again_as_reps_come():
    a = Agreement()
    a.add(reps(2.0), [])
    assert not a.same  # the second counter has not had its say
    a.add([], reps(2.2))
    assert a.same


def test_a_far_end_seen_while_the_rep_was_under_way_is_that_rep():
    """A pose held at the far end: one counter dates the turn at its end, the other at its middle; each inside the
    rep the first counter counted, though further apart than the reps' spacing allows."""
    counted = [RepCounted(9.0, 1, 1.0, 30.0, 8.0), RepCounted(12.0, 2, 9.5, 30.0, 11.0)]  # reps 1 to 9 and 9.5 to 12
    assert same_reps(counted, reps(4.5, 10.5))
    assert not same_reps(counted, reps(10.5, 13.5))  # the second counter's first rep came after the first's


def test_a_lone_rep_is_not_matched_by_a_check_rep_far_from_it():
    """With no neighbour to measure against, a rep's own length is the measure: a stray the second counter took
    for a rep 20 s earlier is not this rep."""
    assert not same_reps(reps(30.0), reps(10.0))
    assert same_reps(reps(30.0), reps(31.0))


def test_reps_counted_late_together_do_not_stretch_over_their_neighbours():
    """The first reps of a set are counted together once it proves itself: each still matches only near its own
    far end, so a check that missed the first rep and counted a phantom later does not agree."""
    counted = [RepCounted(34.9, i + 1, f - 2.5, 20.0, f) for i, f in enumerate((22.0, 26.5, 31.0))]
    assert same_reps(counted, reps(22.4, 26.0, 31.3))
    assert not same_reps(counted, reps(26.5, 31.0, 33.0))
