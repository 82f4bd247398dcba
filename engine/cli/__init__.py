"""The command line: one parser, typed options, and the headless commands."""
