"""The kiosk's core, without pygame: config, motion signal, routine engine and phrases, history, the
simulator (kiosk/simulator), the composition root that wires it all (kiosk/app.py) and the CLI."""
