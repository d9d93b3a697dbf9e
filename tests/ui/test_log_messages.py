"""Protocol log lines written by a real fetch are shown in the UI's language."""

from __future__ import annotations

from app.store import protocol_log
from app.ui import i18n
from app.ui.log_dock import LogModel


def shown_messages(records) -> list[str]:
    model = LogModel()
    model.append(records)
    column = [key for key, _ in model.COLUMNS].index("message")
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_fetch_log_lines_follow_the_ui_language(qapp, ui_ctx, sandbox):
    info = sandbox.describe()["otto"]
    account = ui_ctx.accounts.add("otto", "OTTO Nord", info["base_url"])
    ui_ctx.secrets().save(account.secret_ref, info["credentials"])
    [result] = ui_ctx.fetch.fetch()
    assert result.ok, result.error
    records = protocol_log.read(ui_ctx.engine)

    # English: rendered from the stored numbers, it reads exactly like the stored sentence.
    assert shown_messages(records) == [r.message for r in records]
    try:
        assert i18n.install_translator(qapp, "de") == "de"
        german = shown_messages(records)
    finally:
        i18n.remove_translators(qapp)
    assert german[0] == "Auftragsabholung gestartet"
    assert any(t.startswith("Seite 1: ") and " neu, " in t for t in german)
    assert german[-1].startswith("Abholung beendet: ")


def test_failed_fetch_keeps_the_reason_inside_the_translated_line(qapp, ui_ctx):
    account = ui_ctx.accounts.add("otto", "Nowhere", "http://127.0.0.1:9")
    ui_ctx.secrets().save(account.secret_ref, {"client_id": "a", "client_secret": "b"})
    [result] = ui_ctx.fetch.fetch()
    assert not result.ok
    records = protocol_log.read(ui_ctx.engine)
    try:
        i18n.install_translator(qapp, "de")
        last = shown_messages(records)[-1]
    finally:
        i18n.remove_translators(qapp)
    assert last.startswith("Abholung fehlgeschlagen: ") and result.error in last
