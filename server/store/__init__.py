"""The app's store: SQLAlchemy 2 models and repositories (SQLite by default, any URL by setting)."""
