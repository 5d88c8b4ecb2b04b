"""The simulator: the whole kiosk on a laptop, with a virtual body instead of a person.

body.py       the body: poses over time (pitch, roll, yaw), smooth moves, breathing, walking
script.py     scripted moves with their ground truth (labels), for recordings and tests
mock.py       the mock sensor: what a clipped-on IMU would measure on that body, with a chip's noise
performer.py  virtual people who watch the kiosk's View and move the body (attentive or sloppy)
keyboard.py   the simulator's keys: move the body by hand, pull the virtual cable
text.py       the terminal player (`simulate --text`)

The session sees only a source (the mock sensor) and observers (the performer); the abilities only
a simulated sensor has sit behind their own protocol, `mock.SimulatedSource`. The composition root
(kiosk/app.py) puts the pieces together.
"""

# Who moves the body in `backstretch simulate` (here, so the CLI can offer them without loading numpy).
PERFORMERS = ("auto", "sloppy", "keyboard")
