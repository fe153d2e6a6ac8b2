"""Wushe volunteers service (志愿者服务): Volunteers, teams, activities, service hours and care assignments."""
