"""The call history: the paged model, the view with its filter, and call details."""
