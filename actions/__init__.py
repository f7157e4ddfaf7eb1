"""Rasa custom actions, run in-process by the app's ``/webhook``. Thin: they call ``forms/``
(and ``knowledge/``) and talk to the app only through the ports in ``actions.ports``."""
