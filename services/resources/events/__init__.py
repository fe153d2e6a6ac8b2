"""Events of the resources service."""
