"""Colours, fonts and themes shared by every view, and where a window opens on its screen."""
