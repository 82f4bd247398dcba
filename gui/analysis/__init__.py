"""The wait-state analysis pane: who waited, who made them wait, load balance, what-if and
who is missing (feature.py wires it into the window; live.py keeps the analysis current)."""
