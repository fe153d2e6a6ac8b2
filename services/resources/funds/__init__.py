"""Funds of the resources service."""
