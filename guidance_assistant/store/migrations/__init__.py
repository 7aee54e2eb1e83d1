"""Alembic migrations of the store (run in code by :func:`guidance_assistant.store.init_database`)."""
