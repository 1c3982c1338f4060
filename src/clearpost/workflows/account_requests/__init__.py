"""account requests."""
