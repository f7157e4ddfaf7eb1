"""Procedure knowledge: the city's documents, retrieval and grounded answers (pure core).

Nothing here imports FastAPI, Rasa or SQLAlchemy: the app wires these pieces in
``server/container.py`` and the Rasa action reaches them through ``actions/ports.py``.
"""
