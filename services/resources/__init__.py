"""Wushe resources service (资源服务).

Organisations, offers, holds and fund ledgers of the charity side.
"""
