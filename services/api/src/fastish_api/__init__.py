"""fastish reference multi-tenant API service: one Starlette app, served by uvicorn or by AWS Lambda."""

__version__ = "0.1.0"
