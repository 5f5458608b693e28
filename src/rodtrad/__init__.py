"""Rödtråd: a management system for systematic quality work."""
