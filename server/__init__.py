"""FastAPI app: the citizen chat API, Rasa's action server and NLG endpoint, the store."""
