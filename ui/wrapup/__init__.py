"""Wrap-up: the strip that records a call's disposition, notes and call-back as it ends."""
