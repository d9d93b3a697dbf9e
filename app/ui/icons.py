"""The app's icons, drawn with QPainter so they are crisp at any size and need no files.

Every icon is drawn on a 100 x 100 canvas; ``icon(name)`` renders it at the usual sizes and
Qt derives the greyed-out version for disabled buttons.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QLinearGradient, QPainter, QPainterPath, QPen, QPixmap

SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 192)

BLUE = QColor("#1f6fb2")
DARK_BLUE = QColor("#174f80")
GREEN = QColor("#2e8b57")
ORANGE = QColor("#e08a1e")
RED = QColor("#c43c35")
GREY = QColor("#5b6770")
PAPER = QColor("#fdfdfd")

CHANNEL_COLORS = {
    "otto": ("#d4021d", "O"),
    "amazon": ("#232f3e", "a"),
    "ebay": ("#0064d2", "e"),
    "kaufland": ("#e10915", "K"),
    "shopware": ("#189eff", "S"),
}


def _pen(color: QColor, width: float = 6.0) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _gradient(color: QColor, top: float = 0, bottom: float = 100) -> QBrush:
    grad = QLinearGradient(0, top, 0, bottom)
    grad.setColorAt(0, color.lighter(125))
    grad.setColorAt(1, color)
    return QBrush(grad)


def _arrow_head(p: QPainter, tip: QPointF, angle: float, size: float, color: QColor, spread: float = 0.5) -> None:
    path = QPainterPath(tip)
    for side in (-1, 1):
        a = angle + math.pi - side * spread
        path.lineTo(tip.x() + size * math.cos(a), tip.y() + size * math.sin(a))
    path.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawPath(path)


def _fetch(p: QPainter) -> None:
    # An inbox tray with a thick arrow coming down into it.
    tray = QPainterPath()
    tray.moveTo(8, 58)
    tray.lineTo(30, 58)
    tray.lineTo(36, 70)
    tray.lineTo(64, 70)
    tray.lineTo(70, 58)
    tray.lineTo(92, 58)
    tray.lineTo(92, 88)
    tray.quadTo(92, 94, 86, 94)
    tray.lineTo(14, 94)
    tray.quadTo(8, 94, 8, 88)
    tray.closeSubpath()
    p.setPen(_pen(DARK_BLUE, 3))
    p.setBrush(_gradient(GREY.lighter(150), 58, 94))
    p.drawPath(tray)
    arrow = QPainterPath()
    arrow.moveTo(40, 6)
    arrow.lineTo(60, 6)
    arrow.lineTo(60, 34)
    arrow.lineTo(74, 34)
    arrow.lineTo(50, 62)
    arrow.lineTo(26, 34)
    arrow.lineTo(40, 34)
    arrow.closeSubpath()
    p.setPen(_pen(GREEN.darker(130), 3))
    p.setBrush(_gradient(GREEN, 6, 62))
    p.drawPath(arrow)


def _refresh(p: QPainter) -> None:
    # A clockwise arrow around a circle, open at the right, head at the top right.
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(BLUE, 11, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    p.drawArc(QRectF(16, 20, 64, 64), 50 * 16, 270 * 16)
    end = math.radians(50)
    base = QPointF(48 + 32 * math.cos(end), 52 - 32 * math.sin(end))
    heading = math.atan2(math.cos(end), math.sin(end))  # clockwise tangent, screen coordinates
    tip = QPointF(base.x() + 22 * math.cos(heading), base.y() + 22 * math.sin(heading))
    _arrow_head(p, tip, heading, 36, BLUE, spread=0.62)


def _orders(p: QPainter) -> None:
    # A clipboard with lines.
    p.setPen(_pen(GREY.darker(120), 3))
    p.setBrush(_gradient(QColor("#b07a45"), 8, 96))
    p.drawRoundedRect(QRectF(14, 10, 72, 86), 8, 8)
    p.setBrush(PAPER)
    p.drawRect(QRectF(22, 20, 56, 68))
    p.setBrush(_gradient(GREY, 4, 22))
    p.drawRoundedRect(QRectF(34, 4, 32, 16), 4, 4)
    p.setPen(_pen(BLUE, 5))
    for y in (34, 48, 62, 76):
        p.drawLine(QPointF(30, y), QPointF(70 if y != 76 else 56, y))


def _backlog(p: QPainter) -> None:
    # An hourglass: orders waiting for the marketplace.
    p.setPen(_pen(DARK_BLUE, 7))
    p.drawLine(QPointF(20, 8), QPointF(80, 8))
    p.drawLine(QPointF(20, 92), QPointF(80, 92))
    glass = QPainterPath()
    glass.moveTo(27, 12)
    glass.lineTo(73, 12)
    glass.cubicTo(73, 40, 54, 44, 54, 50)
    glass.cubicTo(54, 56, 73, 60, 73, 88)
    glass.lineTo(27, 88)
    glass.cubicTo(27, 60, 46, 56, 46, 50)
    glass.cubicTo(46, 44, 27, 40, 27, 12)
    p.setPen(_pen(DARK_BLUE, 4))
    p.setBrush(QColor("#e8f1f9"))
    p.drawPath(glass)
    sand = QPainterPath()
    sand.moveTo(36, 30)
    sand.lineTo(64, 30)
    sand.lineTo(50, 46)
    sand.closeSubpath()
    sand.moveTo(50, 60)
    sand.lineTo(67, 85)
    sand.lineTo(33, 85)
    sand.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ORANGE)
    p.drawPath(sand)


def _payments(p: QPainter) -> None:
    # A banknote with a coin in front.
    p.setPen(_pen(GREEN.darker(150), 3))
    p.setBrush(_gradient(QColor("#7cc48f"), 14, 62))
    p.drawRoundedRect(QRectF(6, 14, 78, 48), 6, 6)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QRectF(33, 26, 24, 24))
    p.setPen(_pen(QColor("#9a6b00"), 3))
    p.setBrush(_gradient(QColor("#f2c230"), 46, 96))
    p.drawEllipse(QRectF(46, 46, 48, 48))
    font = QFont("DejaVu Sans")
    font.setPixelSize(34)
    font.setBold(True)
    p.setFont(font)
    p.setPen(QColor("#7a5500"))
    p.drawText(QRectF(46, 46, 48, 48), Qt.AlignmentFlag.AlignCenter, "€")


def _shipping(p: QPainter) -> None:
    p.setPen(_pen(DARK_BLUE, 3))
    p.setBrush(_gradient(BLUE, 20, 72))
    p.drawRoundedRect(QRectF(4, 22, 58, 50), 4, 4)
    cab = QPainterPath()
    cab.moveTo(62, 36)
    cab.lineTo(82, 36)
    cab.lineTo(96, 54)
    cab.lineTo(96, 72)
    cab.lineTo(62, 72)
    cab.closeSubpath()
    p.setBrush(_gradient(ORANGE, 36, 72))
    p.drawPath(cab)
    p.setBrush(QColor("#dff0ff"))
    p.drawPolygon([QPointF(68, 42), QPointF(80, 42), QPointF(89, 54), QPointF(68, 54)])
    p.setBrush(GREY.darker(150))
    p.setPen(_pen(QColor("#222"), 3))
    for x in (22, 78):
        p.drawEllipse(QPointF(x, 76), 10, 10)
    p.setBrush(QColor("#ccc"))
    for x in (22, 78):
        p.drawEllipse(QPointF(x, 76), 4, 4)


def _gear(p: QPainter) -> None:
    path = QPainterPath()
    teeth = 8
    for i in range(teeth * 2):
        a0 = (i / (teeth * 2)) * 2 * math.pi
        a1 = ((i + 1) / (teeth * 2)) * 2 * math.pi
        r = 44 if i % 2 == 0 else 34
        for a in (a0 + 0.06, a1 - 0.06):
            pt = QPointF(50 + r * math.cos(a), 50 + r * math.sin(a))
            if path.elementCount() == 0:
                path.moveTo(pt)
            else:
                path.lineTo(pt)
    path.closeSubpath()
    path.addEllipse(QPointF(50, 50), 14, 14)
    path.setFillRule(Qt.FillRule.OddEvenFill)
    p.setPen(_pen(GREY.darker(140), 3))
    p.setBrush(_gradient(GREY.lighter(130)))
    p.drawPath(path)


def _accounts(p: QPainter) -> None:
    p.setPen(_pen(DARK_BLUE, 3))
    p.setBrush(_gradient(BLUE.lighter(130), 50, 96))
    body = QPainterPath()
    body.moveTo(12, 94)
    body.cubicTo(12, 62, 30, 56, 50, 56)
    body.cubicTo(70, 56, 88, 62, 88, 94)
    body.closeSubpath()
    p.drawPath(body)
    p.setBrush(_gradient(QColor("#f3c9a0"), 8, 52))
    p.drawEllipse(QPointF(50, 30), 20, 22)


def _log(p: QPainter) -> None:
    p.setPen(_pen(GREY.darker(130), 3))
    p.setBrush(PAPER)
    page = QPainterPath()
    page.moveTo(16, 6)
    page.lineTo(66, 6)
    page.lineTo(84, 24)
    page.lineTo(84, 94)
    page.lineTo(16, 94)
    page.closeSubpath()
    p.drawPath(page)
    p.drawPolyline([QPointF(66, 6), QPointF(66, 24), QPointF(84, 24)])
    colors = (GREEN, GREEN, ORANGE, GREEN, RED)
    for i, color in enumerate(colors):
        y = 36 + i * 12
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawEllipse(QPointF(27, y), 4, 4)
        p.setPen(_pen(GREY, 4))
        p.drawLine(QPointF(36, y), QPointF(74 - (i % 2) * 12, y))


def _cancel(p: QPainter) -> None:
    p.setPen(_pen(RED.darker(120), 3))
    p.setBrush(_gradient(RED))
    p.drawEllipse(QRectF(8, 8, 84, 84))
    p.setPen(_pen(QColor("white"), 11))
    p.drawLine(QPointF(34, 34), QPointF(66, 66))
    p.drawLine(QPointF(66, 34), QPointF(34, 66))


def _recycling(p: QPainter) -> None:
    # Three chasing arrows on a green disc, the recycling mark.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(_gradient(GREEN))
    p.drawEllipse(QRectF(2, 2, 96, 96))
    white = QColor("white")
    p.setBrush(Qt.BrushStyle.NoBrush)
    for k in range(3):
        start = 90 + k * 120 + 18
        p.setPen(QPen(white, 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        p.drawArc(QRectF(24, 24, 52, 52), int(start * 16), int(72 * 16))
        end = math.radians(-(start + 72))
        tip = QPointF(50 + 26 * math.cos(end), 50 + 26 * math.sin(end))
        # The arc runs counter-clockwise on screen; its tangent at the end points that way.
        direction = end - math.pi / 2
        tip = QPointF(tip.x() + 8 * math.cos(direction), tip.y() + 8 * math.sin(direction))
        _arrow_head(p, tip, direction, 20, white)
        p.setBrush(Qt.BrushStyle.NoBrush)


def _warning(p: QPainter) -> None:
    tri = QPainterPath()
    tri.moveTo(50, 6)
    tri.lineTo(96, 90)
    tri.lineTo(4, 90)
    tri.closeSubpath()
    p.setPen(_pen(ORANGE.darker(140), 4))
    p.setBrush(_gradient(QColor("#f5b43c")))
    p.drawPath(tri)
    p.setPen(_pen(QColor("#3a2a00"), 10))
    p.drawLine(QPointF(50, 34), QPointF(50, 60))
    p.drawPoint(QPointF(50, 76))


def _folder(p: QPainter) -> None:
    back = QPainterPath()
    back.moveTo(6, 22)
    back.lineTo(38, 22)
    back.lineTo(46, 30)
    back.lineTo(90, 30)
    back.lineTo(90, 84)
    back.lineTo(6, 84)
    back.closeSubpath()
    p.setPen(_pen(QColor("#a8741a"), 3))
    p.setBrush(_gradient(QColor("#e0a935"), 22, 84))
    p.drawPath(back)
    p.setBrush(QColor("#fdfdfd"))
    p.setPen(_pen(GREY.lighter(140), 2))
    p.drawRect(QRectF(16, 36, 66, 30))
    front = QPainterPath()
    front.moveTo(6, 84)
    front.lineTo(14, 44)
    front.lineTo(96, 44)
    front.lineTo(90, 84)
    front.closeSubpath()
    p.setPen(_pen(QColor("#a8741a"), 3))
    p.setBrush(_gradient(QColor("#f5c451"), 44, 84))
    p.drawPath(front)


def _check(p: QPainter) -> None:
    p.setPen(_pen(GREEN.darker(130), 3))
    p.setBrush(_gradient(GREEN))
    p.drawEllipse(QRectF(8, 8, 84, 84))
    p.setPen(_pen(QColor("white"), 11))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline([QPointF(30, 52), QPointF(44, 66), QPointF(70, 36)])


def _app(p: QPainter) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(_gradient(BLUE))
    p.drawRoundedRect(QRectF(4, 4, 92, 92), 20, 20)
    p.setBrush(PAPER)
    p.drawRoundedRect(QRectF(24, 18, 52, 64), 6, 6)
    p.setPen(_pen(BLUE, 6))
    for y in (34, 48, 62):
        p.drawLine(QPointF(34, y), QPointF(66, y))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(GREEN)
    p.drawEllipse(QPointF(74, 74), 14, 14)
    p.setPen(_pen(QColor("white"), 5))
    p.drawPolyline([QPointF(67, 74), QPointF(72, 80), QPointF(81, 68)])


def _transmit(p: QPainter) -> None:
    # An outbox tray with a thick arrow leaving it upwards: statuses sent to the marketplace.
    tray = QPainterPath()
    tray.moveTo(8, 58)
    tray.lineTo(30, 58)
    tray.lineTo(36, 70)
    tray.lineTo(64, 70)
    tray.lineTo(70, 58)
    tray.lineTo(92, 58)
    tray.lineTo(92, 88)
    tray.quadTo(92, 94, 86, 94)
    tray.lineTo(14, 94)
    tray.quadTo(8, 94, 8, 88)
    tray.closeSubpath()
    p.setPen(_pen(DARK_BLUE, 3))
    p.setBrush(_gradient(GREY.lighter(150), 58, 94))
    p.drawPath(tray)
    arrow = QPainterPath()
    arrow.moveTo(40, 62)
    arrow.lineTo(60, 62)
    arrow.lineTo(60, 34)
    arrow.lineTo(74, 34)
    arrow.lineTo(50, 6)
    arrow.lineTo(26, 34)
    arrow.lineTo(40, 34)
    arrow.closeSubpath()
    p.setPen(_pen(BLUE.darker(130), 3))
    p.setBrush(_gradient(BLUE, 6, 62))
    p.drawPath(arrow)


def _queue(p: QPainter) -> None:
    # Three stacked status slips, the front one with a clock: protocols waiting to go out.
    for i, color in enumerate((GREY.lighter(160), GREY.lighter(140), PAPER)):
        p.setPen(_pen(GREY.darker(120), 3))
        p.setBrush(color)
        p.drawRoundedRect(QRectF(6 + i * 8, 8 + i * 12, 62, 50), 5, 5)
    p.setPen(_pen(BLUE, 5))
    for y in (46, 56):
        p.drawLine(QPointF(30, y), QPointF(60, y))
    p.setPen(_pen(DARK_BLUE, 4))
    p.setBrush(_gradient(ORANGE))
    p.drawEllipse(QPointF(72, 72), 22, 22)
    p.setPen(_pen(QColor("white"), 6))
    p.drawLine(QPointF(72, 72), QPointF(72, 58))
    p.drawLine(QPointF(72, 72), QPointF(83, 78))


def _rules(p: QPainter) -> None:
    # An event box mapped by an arrow onto a status box: "when this happens, send that".
    p.setPen(_pen(DARK_BLUE, 3))
    p.setBrush(_gradient(GREEN))
    p.drawRoundedRect(QRectF(4, 8, 40, 34), 6, 6)
    p.setBrush(_gradient(BLUE))
    p.drawRoundedRect(QRectF(56, 58, 40, 34), 6, 6)
    p.setPen(QPen(GREY.darker(130), 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(24, 46))
    path.cubicTo(24, 72, 34, 75, 46, 75)
    p.drawPath(path)
    _arrow_head(p, QPointF(56, 75), 0.0, 18, GREY.darker(130), spread=0.6)
    p.setPen(_pen(QColor("white"), 5))
    p.drawLine(QPointF(14, 25), QPointF(34, 25))
    p.drawPolyline([QPointF(66, 76), QPointF(74, 83), QPointF(86, 68)])


def _channel(key: str) -> Callable[[QPainter], None]:
    color, letter = CHANNEL_COLORS.get(key, ("#5b6770", key[:1].upper() or "?"))

    def draw(p: QPainter) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(_gradient(QColor(color)))
        p.drawRoundedRect(QRectF(4, 4, 92, 92), 22, 22)
        font = QFont("DejaVu Sans")
        font.setPixelSize(66)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(QRectF(4, 0, 92, 96), Qt.AlignmentFlag.AlignCenter, letter)

    return draw


_DRAW: dict[str, Callable[[QPainter], None]] = {
    "fetch": _fetch,
    "refresh": _refresh,
    "orders": _orders,
    "backlog": _backlog,
    "payments": _payments,
    "shipping": _shipping,
    "settings": _gear,
    "accounts": _accounts,
    "log": _log,
    "cancel": _cancel,
    "recycling": _recycling,
    "warning": _warning,
    "app": _app,
    "folder": _folder,
    "check": _check,
    "transmit": _transmit,
    "queue": _queue,
    "rules": _rules,
}


def pixmap(name: str, size: int, ratio: float = 1.0) -> QPixmap:
    draw = _DRAW.get(name) or _channel(name.removeprefix("channel:"))
    pm = QPixmap(int(size * ratio), int(size * ratio))
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.scale(size / 100.0, size / 100.0)
    draw(p)
    p.end()
    return pm


@cache
def icon(name: str) -> QIcon:
    """``icon("fetch")``, ``icon("channel:otto")``; unknown names give a grey letter tile."""
    result = QIcon()
    for size in SIZES:  # physical sizes; Qt picks the one that fits the screen's pixel ratio
        result.addPixmap(pixmap(name, size))
    return result
