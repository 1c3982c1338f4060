"""Persistence: SQLAlchemy models, repositories, Alembic migrations."""
