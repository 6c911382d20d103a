"""Modal screens: confirm, prompt, command line, choices, macro and message pickers, help,
conflict."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..config import Macro


class ConfirmScreen(ModalScreen[bool]):
    """y / enter: yes; n / escape: no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            yield Static("[b]y[/b] yes   [b]n[/b] no", classes="dialog-hint")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class PromptScreen(ModalScreen[str | None]):
    """One line of input; enter returns it, escape returns None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]

    def __init__(
        self, title: str, value: str = "", placeholder: str = "", *, prefix: str = ""
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.prefix = prefix

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CommandLine(PromptScreen):
    """The `:` command line, at the bottom of the screen."""

    def __init__(self) -> None:
        super().__init__(":", placeholder="assign me · tag a,b · prio P1 · queue NAME · pending")
        self.add_class("command-screen")


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of a few values (e.g. the status menu)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
        Binding("j", "down", show=False, id="choice.down"),
        Binding("k", "up", show=False, id="choice.up"),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(label, id=value) for value, label in self.choices])

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MacroPicker(ModalScreen[int | None]):
    """Type to filter; the highlighted macro is previewed with its variables filled in;
    enter inserts it. Returns the macro's index."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="macros.cancel"),
        Binding("down", "move(1)", show=False, id="macros.down"),
        Binding("up", "move(-1)", show=False, id="macros.up"),
    ]

    def __init__(self, macros: list[Macro], variables: dict[str, str]) -> None:
        super().__init__(classes="dialog-screen")
        self.macros = macros
        self.variables = variables

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog macro-picker"):
            yield Label("Macros — type to filter, enter inserts", classes="dialog-title")
            yield Input(placeholder="filter", id="macro-filter")
            yield OptionList(id="macro-list")
            yield Static("", id="macro-preview")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        ol = self.query_one(OptionList)
        ol.clear_options()
        needle = text.lower()
        for i, m in enumerate(self.macros):
            if needle in m.name.lower() or needle in m.body.lower():
                key = f"{i + 1}" if i < 9 else " "
                ol.add_option(Option(f"{key}  {m.name}  ({m.kind})", id=str(i)))
        if ol.option_count:
            ol.highlighted = 0
        self._preview()

    def _preview(self) -> None:
        ol = self.query_one(OptionList)
        preview = self.query_one("#macro-preview", Static)
        if ol.highlighted is None or not ol.option_count:
            preview.update("")
            return
        option = ol.get_option_at_index(ol.highlighted)
        macro = self.macros[int(option.id or 0)]
        preview.update(Text(macro.render(self.variables)))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_option_list_option_highlighted(self) -> None:
        self._preview()

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = ((ol.highlighted or 0) + step) % ol.option_count

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ol = self.query_one(OptionList)
        if ol.highlighted is not None and ol.option_count:
            self.dismiss(int(ol.get_option_at_index(ol.highlighted).id or 0))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MessagePicker(ModalScreen[int | None]):
    """Pick a message of the thread to quote: j/k or arrows move, enter quotes, escape
    cancels. The highlighted message is shown whole below the list. Returns its id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="quote.cancel"),
        Binding("j", "move(1)", show=False, id="quote.down"),
        Binding("k", "move(-1)", show=False, id="quote.up"),
    ]

    def __init__(self, messages: list[dict[str, Any]], start: int = 0) -> None:
        super().__init__(classes="dialog-screen")
        self.messages = messages
        self.start = start

    def compose(self) -> ComposeResult:
        from ..widgets.thread import KIND_LABEL, exact_time

        options = []
        for m in self.messages:
            body = " ".join((m.get("body") or "").split())
            who = m.get("author_name") or m.get("author") or ""
            label = Text(f"#{m['id']:<6} ", style="dim")
            label.append(f"{exact_time(m.get('created_at'))[:19]}  ", style="dim")
            label.append(f"{KIND_LABEL.get(m.get('kind', ''), m.get('kind', ''))}: {who}  ")
            label.append(body[:70] + ("…" if len(body) > 70 else ""))
            options.append(Option(label, id=str(m["id"])))
        with Vertical(classes="dialog quote-picker"):
            yield Label(
                "Quote a message — j/k or arrows, enter quotes, esc cancels",
                classes="dialog-title",
            )
            yield OptionList(*options, id="quote-list")
            yield Static("", id="quote-preview")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = max(0, min(self.start, ol.option_count - 1))
        ol.focus()
        self._preview()

    def _preview(self) -> None:
        from ..widgets.thread import BidiText

        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return
        m = self.messages[ol.highlighted]
        self.query_one("#quote-preview", Static).update(BidiText(m.get("body") or ""))

    def on_option_list_option_highlighted(self) -> None:
        self._preview()

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = max(0, min(ol.option_count - 1, (ol.highlighted or 0) + step))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the current screen (after the config's keymap) and the commands."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close")
    ]

    def __init__(self, rows: list[tuple[str, str, str]], title: str) -> None:
        super().__init__(classes="dialog-screen")
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("key", no_wrap=True)
        table.add_column("action")
        table.add_column("binding id (for [console.keymap])", style="dim")
        for key, description, binding_id in self.rows:
            table.add_row(key, description, binding_id)
        with Vertical(classes="dialog help"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll():
                yield Static(table)
                yield Static(
                    "Command line (:): assign me | assign NAME | unassign | prio P1 | "
                    "queue NAME | tag a,b | tag +a,-b | tx REF,REF | tx +REF,-REF | pending [2h] | "
                    "resolve | status NAME | escalate | attach PATH | reply TEXT | note TEXT | "
                    "open NUMBER | retract | sync | outbox | audit",
                    classes="dialog-hint",
                )

    def action_close(self) -> None:
        self.dismiss(None)


class ConflictScreen(ModalScreen[str | None]):
    """A queued change met a newer server version (412): show both, let the agent choose."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('mine')", "Apply mine", id="conflict.mine"),
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("escape", "choose(None)", "Decide later", id="conflict.later"),
    ]

    def __init__(self, entry: Any) -> None:
        super().__init__(classes="dialog-screen")
        self.entry = entry

    def compose(self) -> ComposeResult:
        e = self.entry
        current = e.current or {}
        table = Table(expand=True)
        table.add_column("field")
        table.add_column("you saw")
        table.add_column("yours (queued)")
        table.add_column(f"server now (v{current.get('version', '?')})")
        seen = e.base.get("fields") or {}
        fields = list(e.payload) + [
            f for f in ("status", "priority", "assignee", "queue") if f not in e.payload
        ]
        for f in fields:
            mine = e.payload.get(f, "")
            table.add_row(
                f,
                str(seen.get(f, "")),
                Text(str(mine), style="bold") if f in e.payload else "",
                str(current.get(f, "")),
            )
        with Vertical(classes="dialog conflict"):
            yield Label(
                f"Ticket #{e.ticket_id} changed on the server since you acted "
                f"(you saw v{e.base.get('version')})",
                classes="dialog-title",
            )
            yield Static(table)
            with Horizontal(classes="dialog-buttons"):
                yield Button("m  apply mine", id="mine", variant="warning")
                yield Button("t  keep theirs", id="theirs", variant="primary")
                yield Button("esc  decide later", id="later")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "later" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
