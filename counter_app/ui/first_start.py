"""The first start of a real counter: it asks which workstation it is (a real store has no default name).

Two PCs that both kept a default name would number their receipts alike; the centre refuses the second, but the
cashier should never get there. IT can set the name in settings.json instead, and then this is never shown.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app.ui.widgets import Notice

_NAME = re.compile(r"^[A-Z0-9]{2,4}-\d{2}$")


class WorkstationNameDialog(QDialog):
    """One field, Enter to accept, Esc to quit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workstationNameDialog")
        self.setWindowTitle("Name this workstation")
        self.setModal(True)
        self.setMinimumWidth(520)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        title = QLabel("Which workstation is this PC?")
        title.setObjectName("panelTitle")
        box.addWidget(title)
        about = QLabel("This is the counter's first start on this PC. Type the workstation name IT gave it (on the "
                       "label on the PC, e.g. CH1-02). Receipts are numbered with it, so every PC needs its own; "
                       "it cannot be changed later.")
        about.setWordWrap(True)
        about.setObjectName("dialogSummary")
        about.setMinimumWidth(470)
        about.setMinimumHeight(about.fontMetrics().lineSpacing() * 5)  # four wrapped lines and a margin
        box.addWidget(about)
        label = QLabel("&Workstation name")
        label.setObjectName("fieldLabel")
        self.name = QLineEdit()
        self.name.setObjectName("workstationName")
        self.name.setPlaceholderText("CH1-02")
        self.name.setMaxLength(7)
        self.name.setValidator(QRegularExpressionValidator(r"[A-Za-z0-9]{0,4}-?\d{0,2}", self.name))
        self.name.setAccessibleName("Workstation name")
        label.setBuddy(self.name)
        box.addWidget(label)
        box.addWidget(self.name)
        self.notice = Notice()
        box.addWidget(self.notice)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Use this name")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def value(self) -> str:
        return self.name.text().strip().upper()

    def _accept(self) -> None:
        if not _NAME.match(self.value()):
            self.notice.say("A workstation name looks like CH1-02: location, a dash, two digits.", "error")
            self.adjustSize()  # room for the message
            self.name.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.accept()


def ask_workstation_name(parent: QWidget | None = None) -> str | None:
    dialog = WorkstationNameDialog(parent)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
