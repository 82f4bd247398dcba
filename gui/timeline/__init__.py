"""The timeline: a pyqtgraph plot of work and wait spans, releases and actions."""
