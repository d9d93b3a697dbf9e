"""A ribbon from plain Qt parts: a tab bar of pages, each a row of captioned button groups."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

LARGE = QSize(36, 36)
MEDIUM = QSize(24, 24)
SMALL = QSize(16, 16)

STYLE = """
QTabWidget#Ribbon::pane {
    border: none;
    border-top: 1px solid #c5ced8;
    border-bottom: 1px solid #c5ced8;
    background: qlineargradient(x1:0, y1:0, x2:0, y2:1, stop:0 #fbfcfd, stop:1 #eef2f6);
}
QTabWidget#Ribbon > QTabBar::tab {
    padding: 5px 16px;
    margin-right: 2px;
    border: 1px solid transparent;
    border-bottom: none;
    color: #23384d;
}
QTabWidget#Ribbon > QTabBar::tab:selected {
    background: #fbfcfd;
    border-color: #c5ced8;
    border-top-left-radius: 3px;
    border-top-right-radius: 3px;
    font-weight: 600;
}
QTabWidget#Ribbon > QTabBar::tab:!selected:hover { background: #e6edf4; }
QWidget#RibbonPage { background: transparent; }
QFrame#RibbonGroup { background: transparent; }
QFrame#RibbonSeparator { color: #d3dae2; }
QLabel#RibbonGroupTitle { color: #5b6770; font-size: 8pt; }
QLabel#RibbonNote { color: #5b6770; font-style: italic; }
QToolButton { border: 1px solid transparent; border-radius: 3px; padding: 2px 4px; }
QToolButton:hover { background: #dde8f3; border-color: #a9c2dc; }
QToolButton:pressed, QToolButton:checked { background: #c9dcf0; border-color: #7fa6cc; }
QToolButton:disabled { color: #9aa3ab; }
"""


class RibbonGroup(QFrame):
    """Buttons on top, a small caption below, like an Office ribbon group."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RibbonGroup")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 2)
        outer.setSpacing(2)
        self.row = QHBoxLayout()
        self.row.setSpacing(2)
        outer.addLayout(self.row, 1)
        self._small: QGridLayout | None = None
        caption = QLabel(title, self)
        caption.setObjectName("RibbonGroupTitle")
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(caption)

    def _button(self, action: QAction, size: QSize, style: Qt.ToolButtonStyle) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setIconSize(size)
        button.setToolButtonStyle(style)
        button.setObjectName(f"RibbonButton:{action.objectName() or action.text()}")
        return button

    def add_large(self, action: QAction) -> QToolButton:
        button = self._button(action, LARGE, Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setMinimumWidth(72)
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._small = None
        self.row.addWidget(button)
        return button

    def add_medium(self, action: QAction) -> QToolButton:
        button = self._button(action, MEDIUM, Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setMinimumWidth(64)
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self._small = None
        self.row.addWidget(button)
        return button

    def add_small(self, action: QAction) -> QToolButton:
        """Small buttons stack three high in a column, then start the next column."""
        button = self._button(action, SMALL, Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        if self._small is None or self._small.count() >= 3:
            column = QWidget(self)
            self._small = QGridLayout(column)
            self._small.setContentsMargins(0, 0, 0, 0)
            self._small.setVerticalSpacing(1)
            self._small.setRowStretch(3, 1)
            self.row.addWidget(column)
        self._small.addWidget(button, self._small.count(), 0)
        return button

    def add_widget(self, widget: QWidget) -> None:
        self._small = None
        self.row.addWidget(widget)


class RibbonPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RibbonPage")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 2, 4, 0)
        self._layout.setSpacing(0)
        self._layout.addStretch(1)

    def add_group(self, title: str) -> RibbonGroup:
        if self._layout.count() > 1:
            line = QFrame(self)
            line.setObjectName("RibbonSeparator")
            line.setFrameShape(QFrame.Shape.VLine)
            line.setFrameShadow(QFrame.Shadow.Plain)
            self._layout.insertWidget(self._layout.count() - 1, line)
        group = RibbonGroup(title, self)
        self._layout.insertWidget(self._layout.count() - 1, group)
        return group


class Ribbon(QTabWidget):
    HEIGHT = 134

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Ribbon")
        self.setDocumentMode(False)
        self.setStyleSheet(STYLE)
        self.setFixedHeight(self.HEIGHT)
        self.setUsesScrollButtons(False)

    def add_page(self, key: str, title: str) -> RibbonPage:
        page = RibbonPage(self)
        page.setProperty("ribbonKey", key)
        self.addTab(page, title)
        return page

    def key_at(self, index: int) -> str:
        page = self.widget(index)
        return str(page.property("ribbonKey")) if page is not None else ""

    def index_of_key(self, key: str) -> int:
        return next((i for i in range(self.count()) if self.key_at(i) == key), -1)
