"""Pure core: the petition catalog, validators and the official documents.

Imports neither FastAPI, Rasa nor SQLAlchemy; the bot, the review desk and the documents all
read their petition definitions from here.
"""
