"""Offers of the resources service."""
