"""Holds of the resources service."""
