"""Colours and type for every screen: high contrast, and safe for colour-blind eyes.

The palette follows Okabe and Ito's colour-blind-safe set: blue for what is happening, orange
for attention, bluish green for done; nothing depends on telling red from green.
"""

PALETTE = {
    "background": (12, 16, 24),
    "panel": (28, 34, 46),
    "text": (240, 242, 245),
    "muted": (150, 158, 170),
    "accent": (86, 180, 233),  # sky blue
    "good": (0, 158, 115),  # bluish green
    "warn": (230, 159, 0),  # orange
    "alert": (213, 94, 0),  # vermillion
    "zone": (26, 60, 52),
}

# Paper: the printed progress report (`backstretch report`), dark on white so it prints; the same
# colour-blind-safe set, darker where a light background needs it. Series also differ by marker.
PAPER = {
    "background": (255, 255, 255),
    "panel": (244, 245, 247),
    "text": (20, 24, 32),
    "muted": (110, 116, 128),
    "grid": (222, 225, 230),
    "series": [(0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167), (230, 159, 0), (86, 180, 233)],
    "left": (0, 114, 178),  # blue
    "right": (230, 159, 0),  # orange
    "pain": (213, 94, 0),  # vermillion
}

# The same charts on the kiosk's dark screen (a person's progress).
SCREEN_CHARTS = {
    "panel": PALETTE["panel"],
    "text": PALETTE["text"],
    "muted": PALETTE["muted"],
    "grid": (52, 60, 76),
    "series": [PALETTE["accent"], PALETTE["warn"], PALETTE["good"], (204, 121, 167)],
    "left": PALETTE["accent"],
    "right": PALETTE["warn"],
    "pain": PALETTE["alert"],
}
