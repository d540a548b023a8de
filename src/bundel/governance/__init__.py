"""Governance: the council (ledenraad), its chambers and elections.

For now a plain module (no models): the chamber a board belongs to.
"""
