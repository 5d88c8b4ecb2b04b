"""The kiosk's core: configuration, motion signal, routine engine, history, app wiring and CLI."""
