"""Pledges of the resources service."""
