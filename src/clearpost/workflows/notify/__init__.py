"""Notifications: e-mails queued in the outbox table in the transition's transaction."""
