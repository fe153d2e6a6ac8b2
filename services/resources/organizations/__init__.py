"""Organisations: charities, foundations, enterprises, individual donors."""
