"""Tests of the organizers side: accounts, isolation, console, API."""
