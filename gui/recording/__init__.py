"""Recording the window as a video: which moment each frame shows, drawing it, encoding off the
GUI thread, and the chapters a lesson's screencast is divided into.  Used by the window's
exports and by the lesson screencast; knows the run controller, never the window's insides."""
