"""Custom Rasa components (loaded by the Rasa server from this project)."""
