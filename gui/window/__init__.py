"""The main window and its panels: actions, menus, settings, status strip, narrative log."""
