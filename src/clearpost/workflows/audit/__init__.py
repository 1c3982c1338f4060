"""The audit trail: append-only, hash-chained events; verification and export."""
