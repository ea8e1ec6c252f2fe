"""Placing calls: the call panel, the calls in flight, the options form and presets."""
