"""The WhatsApp harness, for the worker's end-to-end tests."""

from tests.whatsapp.conftest import whatsapp  # noqa: F401
