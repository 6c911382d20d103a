"""Pilot tests for the knowledge base in the compose box and for saving attachments to disk:
keys in the real console, a real server in process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, TextArea

from agent_console import downloads
from agent_console.downloads import DownloadError, free_path, resolve_target, safe_name
from agent_console.screens.kb import KbPicker
from agent_console.screens.modals import ChoiceScreen, PromptScreen
from agent_console.screens.ticket import TicketScreen
from agent_console.widgets.text_panel import TextPanel
from tests.console.conftest import LiveServer, run
from tests.console.test_app import SIZE, build, ready, server_ticket, until

WITHDRAWAL_BODY = (
    "Withdrawals to cards take up to 3 banking days after approval. "
    "You can follow the status under Cashier → History."
)


def add_article(
    server: LiveServer, slug: str, lang: str, title: str, body: str, keywords: Any = ()
) -> None:
    article = {"slug": slug, "lang": lang, "title": title, "body": body, "topic": "payment"}
    with server.api("lead") as c:
        r = c.post("/api/v1/kb/articles", json=article | {"keywords": list(keywords)})
        assert r.status_code == 201, r.text


def messages(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


# -- the knowledge base ------------------------------------------------------------------------


def test_kb_search_and_insert_into_the_reply(live_server: LiveServer, console_config: Any) -> None:
    add_article(live_server, "withdrawal-times", "en", "Withdrawal times", WITHDRAWAL_BODY)
    add_article(
        live_server,
        "withdrawal-times",
        "ru",
        "Сроки вывода",
        "Вывод на карту занимает до 3 банковских дней.",
        keywords=["withdrawal"],
    )
    add_article(live_server, "bonus-rules", "en", "Bonus wagering", "Bonuses are wagered 30x.")
    t = live_server.new_ticket(language="en")
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter", "r", *"Hello Anna,")
            assert isinstance(app.screen, TicketScreen)
            await pilot.press("ctrl+b")  # from inside the compose box
            picker = app.screen
            assert isinstance(picker, KbPicker)
            await until(pilot, lambda: picker.searches >= 1)
            # searched with the ticket's subject, in its language: the English article
            assert [a["slug"] for a in picker.articles][:1] == ["withdrawal-times"]
            assert {a["lang"] for a in picker.articles} == {"en"}
            preview = picker.query_one("#kb-preview")
            assert "3 banking days" in str(preview.render())
            # other words: the list follows the typing
            await pilot.press(*["backspace"] * 40, *"wagering")
            await until(pilot, lambda: picker.answered == "wagering")
            assert [a["slug"] for a in picker.articles][:1] == ["bonus-rules"]
            await pilot.press(*["backspace"] * 8, *"withdrawal")
            await until(pilot, lambda: picker.answered == "withdrawal")
            n = picker.searches
            await pilot.press("ctrl+l")  # all languages: the Russian one too
            await until(pilot, lambda: picker.searches > n)
            assert {a["lang"] for a in picker.articles} == {"en", "ru"}
            picker.query_one(OptionList).highlighted = next(
                i for i, a in enumerate(picker.articles) if a["lang"] == "en"
            )
            await pilot.press("enter")
            assert isinstance(app.screen, TicketScreen)
            area = app.screen.query_one("#compose-text", TextArea)
            assert area.text == "Hello Anna,\n\n" + WITHDRAWAL_BODY
            assert area.has_focus
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.cache.outbox_count() == 0)
            # b from the thread (compose closed): opens the reply with the article
            await pilot.press("b")
            picker = app.screen
            assert isinstance(picker, KbPicker)
            await until(pilot, lambda: picker.searches >= 1)
            await pilot.press("escape")
            assert isinstance(app.screen, TicketScreen)
            assert app.screen.query_one("#compose").has_class("hidden")  # cancelled: nothing

    run(scenario())
    replies = [m for m in server_ticket(live_server, t["id"])["messages"] if m["kind"] == "reply"]
    assert [m["body"] for m in replies] == ["Hello Anna,\n\n" + WITHDRAWAL_BODY]


def test_kb_offline_says_it_needs_the_server(live_server: LiveServer, console_config: Any) -> None:
    live_server.new_ticket()
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter")
            live_server.stop()
            await pilot.press("b")
            picker = app.screen
            assert isinstance(picker, KbPicker)
            await until(pilot, lambda: picker.searches >= 1, timeout=30)
            status = str(picker.query_one("#kb-status").render())
            assert "needs the server" in status and "offline" in status
            assert picker.articles == []
            await pilot.press("enter")  # nothing to insert: the picker stays, says so
            assert isinstance(app.screen, KbPicker)
            await pilot.press("escape")
            assert isinstance(app.screen, TicketScreen)

    run(scenario())


# -- attachments: saving to disk ------------------------------------------------------------------


def upload(server: LiveServer, ticket_id: int, name: str, data: bytes) -> dict[str, Any]:
    with server.api() as c:
        r = c.post(
            f"/api/v1/tickets/{ticket_id}/attachments",
            params={"filename": name},
            content=data,
            headers={"Content-Type": "application/pdf"},
        )
        assert r.status_code == 201, r.text
        return r.json()


def test_save_attachments_to_the_downloads_folder(
    live_server: LiveServer, console_config: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = live_server.new_ticket()
    receipt = b"%PDF-1.4 receipt " * 300
    upload(live_server, t["id"], "receipt.pdf", receipt)
    folder = tmp_path / "Downloads"
    monkeypatch.setattr(downloads, "downloads_dir", lambda: folder)
    app = build(console_config, live_server)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, 1)
            await pilot.press("enter")
            card = app.screen.query_one("#player-card", TextPanel)
            await until(pilot, lambda: "receipt.pdf" in card.plain)
            await pilot.press("w")
            prompt = app.screen
            assert isinstance(prompt, PromptScreen)
            assert prompt.value == str(folder / "receipt.pdf")  # the downloads folder
            await pilot.press("enter")
            await until(pilot, lambda: (folder / "receipt.pdf").exists())
            assert (folder / "receipt.pdf").read_bytes() == receipt
            await until(pilot, lambda: any("saved receipt.pdf to" in m for m in messages(app)))
            assert f"saved to {folder / 'receipt.pdf'}" in card.plain
            # again: never overwritten, a new name
            await pilot.press("w")
            assert app.screen.value == str(folder / "receipt (1).pdf")  # type: ignore[attr-defined]
            await pilot.press("enter")
            await until(pilot, lambda: (folder / "receipt (1).pdf").exists())
            # a path of an existing file: refused, said why
            await pilot.press("w", *["backspace"] * 200, *str(folder / "receipt.pdf"), "enter")
            await until(pilot, lambda: any("exists already" in m for m in messages(app)))
            # a second file: pick which one first; a folder typed: the file's own name
            upload(live_server, t["id"], "statement.pdf", b"%PDF-1.4 statement")
            app.wake_live()
            await until(pilot, lambda: "statement.pdf" in card.plain)
            await pilot.press("w")
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press("j", "enter")
            assert isinstance(app.screen, PromptScreen)
            other = tmp_path / "elsewhere"
            other.mkdir()
            await pilot.press(*["backspace"] * 200, *str(other), "enter")
            await until(pilot, lambda: (other / "statement.pdf").exists())
            # offline: said clearly, nothing half-written left behind
            live_server.stop()
            await pilot.press("w", "enter", "enter")
            await until(
                pilot, lambda: any("cannot be reached" in m for m in messages(app)), timeout=30
            )
            assert sorted(p.name for p in folder.iterdir()) == ["receipt (1).pdf", "receipt.pdf"]

    run(scenario())


def test_download_paths() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\report.pdf") == "report.pdf"
    assert safe_name(".bashrc") == "bashrc"
    assert safe_name("a\x00b:c?.txt") == "a_b_c_.txt"
    assert safe_name("") == safe_name(None) == "attachment"
    assert safe_name("квитанция №5.pdf") == "квитанция №5.pdf"


def test_free_path_and_resolve(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"x")
    (tmp_path / "a (1).pdf").write_bytes(b"x")
    assert free_path(tmp_path, "a.pdf") == tmp_path / "a (2).pdf"
    assert free_path(tmp_path, "b.pdf") == tmp_path / "b.pdf"
    assert resolve_target(str(tmp_path), "a.pdf") == tmp_path / "a (2).pdf"
    assert resolve_target(str(tmp_path / "new") + "/", "../x.pdf") == tmp_path / "new" / "x.pdf"
    assert resolve_target(str(tmp_path / "c.pdf"), "a.pdf") == tmp_path / "c.pdf"
    with pytest.raises(DownloadError, match="exists already"):
        resolve_target(str(tmp_path / "a.pdf"), "a.pdf")
    with pytest.raises(DownloadError, match="no path"):
        resolve_target("  ", "a.pdf")
