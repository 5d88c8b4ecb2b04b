"""backstretch: a sensor-guided back-stretch kiosk.

The import package is assembled by the build from the repository's top-level folders:
`backstretch.kiosk` (core: config, motion, routine engine, history, the simulator, the composition
root `kiosk.app` and the CLI), `backstretch.drivers` (sensor sources and GPIO), `backstretch.ui`
(pygame) and `backstretch.config` (shipped TOML).
"""
