"""Readers of social network export archives: each yields posts as a stream."""
