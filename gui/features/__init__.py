"""Features the window lays out: presentation mode, replay, exports, the code view, trace mode,
recent files and the settings store.  Each receives the controller, the model and a small Host,
never the window."""
