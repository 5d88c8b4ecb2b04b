"""Motion: from a stream of samples to reps, holds and sides, the same code live and offline."""
