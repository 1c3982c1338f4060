"""media approvals."""
