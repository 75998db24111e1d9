"""The ASGI application built from the environment: ``uvicorn fastish_api.asgi:app``."""

from .app import create_app

app = create_app()
