"""Everything pygame: screens, widgets, layout and theme, sound."""
