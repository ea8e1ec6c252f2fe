"""The Qt window: a thin layer over the engine in console/."""
