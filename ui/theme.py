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
