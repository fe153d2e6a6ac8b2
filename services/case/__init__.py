"""Wushe case service (个案服务): Platforms, recipients, cases and needs of the township social-work stations."""
