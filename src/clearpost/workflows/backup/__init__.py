"""Backup and restore of the service's database, with the audit chain verified both ways."""
