"""Wushe volunteers service (志愿者服务): volunteers, teams, activities, hours, care."""
