"""Sensor sources and GPIO: everything that touches hardware, and nothing that knows the routine."""
