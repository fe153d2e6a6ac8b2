"""Shared kernel of the Wushe services: settings, database, errors, auth, pagination.

It knows no domain; everything here is used by every service alike.
"""
