"""Everything pygame: the window and its loop, screens, widgets, layout and theme, sound, input.

The ui builds none of the kiosk's parts; kiosk/app.py hands the window a session, GPIO and notifier.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
