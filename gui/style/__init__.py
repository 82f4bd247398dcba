"""Colours, fonts and themes shared by every view."""
