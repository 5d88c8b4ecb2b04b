"""Sensor sources and GPIO: everything that touches hardware, and nothing that knows the routine.

The simulator's mock sensor is not here: it lives with the rest of the simulator in kiosk/simulator.
"""
