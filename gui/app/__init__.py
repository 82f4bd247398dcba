"""Starting the GUI: display checks, the QApplication, the command-line options of the GUI, and
launching the main window or a lesson window with Qt's event loop."""
