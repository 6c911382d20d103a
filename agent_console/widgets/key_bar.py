"""The key line at the bottom of a screen: one widget that draws the shown bindings as text.

Textual's `Footer` recomposes itself (one `FooterKey` widget per binding, each styled by
CSS) every time the bindings may have changed: on every screen push or pop and every focus
change. That was most of the time it took to open a ticket. This bar keeps the same facts
(the active bindings with `show=True`, keymap applied, the palette key on the right) in a
single line of text and redraws only when the list it shows actually changed.

It is for the keyboard: clicking a key here does nothing (nothing in the console needs a
mouse).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

Item = tuple[str, str, bool]  # key display, description, enabled


class KeyBar(Widget):
    """The bindings of the focused widget, its screen and the app, on one line."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyBar > .key-bar--disabled {
        text-style: dim;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--disabled",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: tuple[Item, ...] = ()
        self.palette: Item | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        app = self.app
        active = screen.active_bindings
        seen: set[str] = set()
        items: list[Item] = []
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append((app.get_key_display(binding), binding.description, enabled))
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = (app.get_key_display(binding), binding.description, enabled)
        if (tuple(items), palette) != (self.items, self.palette):
            self.items, self.palette = tuple(items), palette
            self.refresh()

    def _append(self, text: Text, item: Item) -> None:
        key, description, enabled = item
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        if not enabled:
            dim = self.get_component_rich_style("key-bar--disabled", partial=True)
            key_style, description_style = key_style + dim, description_style + dim
        text.append(f" {key} ", key_style)
        if description:
            text.append(f"{description} ", description_style)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for item in self.items:
            self._append(text, item)
        if self.palette is not None:
            right = Text(end="")
            self._append(right, self.palette)
            gap = self.size.width - text.cell_len - right.cell_len
            if gap >= 1:
                text.append(" " * gap)
                text.append_text(right)
        return text
