"""Starting the GUI: display checks, the QApplication, the command-line options of the GUI."""
