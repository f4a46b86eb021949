"""Reading a page's forms the way a hurried user fills them (for the load run)."""

from __future__ import annotations

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """Every POST form of a page: its action and its fields, filled in — the first choice
    of a radio group or a select, the maximum of a number, "x" in a text box."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.fields: dict[str, str] | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.fields = {}
            self.forms.append((a.get("action", ""), self.fields))
        if self.fields is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "text" and a.get("inputmode") in ("decimal", "numeric"):
                kind = "number"  # a number typed with a decimal comma ("2,5")
            if kind == "radio":
                self.fields.setdefault(name, a.get("value", ""))
            elif kind == "checkbox":
                self.fields[name] = a.get("value", "on")
            elif kind == "number":
                # A score offered as labelled levels (radios "l_<code>") keeps its number box
                # optional: the hurried user ticks a level and leaves the box empty.
                paired = "l_" + name.split("_", 1)[-1]
                self.fields[name] = "" if paired in self.fields else a.get("max") or "1"
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = a.get("value", "") or ("x" if kind == "text" else "")
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and self.select not in self.fields and a.get("value"):
            self.fields[self.select] = a["value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        if tag == "form":
            self.fields = None


def forms_of(html: str) -> list[tuple[str, dict[str, str]]]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def form_of(html: str, action: str = "") -> dict[str, str]:
    """The fields of the form whose action contains `action` (the page's own form: action
    empty), else of the largest POST form; the logout button is never it."""
    forms = [(a, f) for a, f in forms_of(html) if "dang-xuat" not in a]
    for form_action, fields in forms:
        if (action and action in form_action) or (not action and not form_action):
            return fields
    return max((f for _a, f in forms), key=len, default={})
