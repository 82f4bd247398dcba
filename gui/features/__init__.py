"""Features the window lays out: presentation mode, replay, exports, recording, code view."""
