"""Storage: SQLAlchemy models, engines and sessions, Alembic migrations, encryption at rest.

Used by clearpost.workflows only (and the CLI/web through the workflows' services).
"""
