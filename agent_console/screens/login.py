"""The login form: user, Tab, password, Enter (the server URL is prefilled, third).

A user enrolled in two-factor sign-in gets a code field when the server asks for it (401
with `details.totp` = "required"): type the 6 digits from the authenticator app, Enter."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from ..client import ApiClient, ApiError, Offline
from ..widgets.key_bar import KeyBar


class LoginScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", id="login.quit"),
    ]

    def __init__(self, server: str, username: str = "", message: str = "") -> None:
        super().__init__()
        self.server = server
        self.username = username
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Label("Agent Console — sign in", classes="dialog-title")
            yield Input(self.username, placeholder="user", id="login-user")
            yield Input(placeholder="password", password=True, id="login-password")
            yield Input(
                placeholder="6-digit code from your authenticator app",
                id="login-totp",
                classes="hidden",
                max_length=10,
                restrict=r"[0-9 ]*",
            )
            yield Input(self.server, placeholder="server URL", id="login-server")
            yield Static(self.message, id="login-error")
        yield KeyBar()

    def on_mount(self) -> None:
        target = "#login-password" if self.username else "#login-user"
        self.query_one(target, Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        user = self.query_one("#login-user", Input).value.strip()
        password = self.query_one("#login-password", Input).value
        server = self.query_one("#login-server", Input).value.strip().rstrip("/")
        if not user:
            self.query_one("#login-user", Input).focus()
            return
        if not password:
            self.query_one("#login-password", Input).focus()
            return
        totp_box = self.query_one("#login-totp", Input)
        totp = None
        if not totp_box.has_class("hidden"):
            totp = totp_box.value.replace(" ", "")
            if not totp:
                totp_box.focus()
                return
        self.query_one("#login-error", Static).update("signing in …")
        self.sign_in(server, user, password, totp)

    def _ask_for_code(self, message: str) -> None:
        box = self.query_one("#login-totp", Input)
        box.remove_class("hidden")
        box.value = ""
        box.focus()
        self.query_one("#login-error", Static).update(message)

    @work(exclusive=True, group="login")
    async def sign_in(self, server: str, user: str, password: str, totp: str | None = None) -> None:
        app: Any = self.app
        client: ApiClient = app.client
        if server and server != client.base_url:
            await client.aclose()
            client.base_url = server
        try:
            data = await client.login(user, password, totp)
        except Offline as exc:
            self.query_one("#login-error", Static).update(f"cannot reach the server: {exc}")
            return
        except ApiError as exc:
            second = (exc.details or {}).get("totp") if isinstance(exc.details, dict) else None
            if second == "required":
                self._ask_for_code("enter the 6-digit code from your authenticator app")
                return
            if second == "invalid":
                self._ask_for_code("that code is wrong or expired: enter the current one")
                return
            if second == "enrollment_required":
                self.query_one("#login-error", Static).update(exc.message)
                return
            self.query_one("#login-error", Static).update(exc.message)
            self.query_one("#login-password", Input).value = ""
            self.query_one("#login-password", Input).focus()
            return
        app.signed_in(data, server or client.base_url)
