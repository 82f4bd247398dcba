"""Run by tests/gui/test_qt_platform.py in a pytest of its own, with a hostile environment
(not collected by the suite: the name does not start with test_)."""

from PySide6.QtWidgets import QApplication, QWidget


def test_a_window_can_be_made(qapp: QApplication) -> None:
    widget = QWidget()
    widget.show()
    assert qapp.platformName() == "offscreen"
    widget.close()
