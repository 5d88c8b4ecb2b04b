"""Everything pygame: screens, widgets, layout and theme, sound, input, the app loop."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
