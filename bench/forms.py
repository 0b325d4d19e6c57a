"""Reading a form out of a page as a browser does: the fields it would send, its submit buttons, where it posts."""
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs a browser sends from their value attribute; checkboxes and radios only when checked.
_NOT_SENT = {"file", "submit", "button", "reset", "image"}


@dataclass
class Form:
    """A form's fields in document order, its submit buttons (name, value) and the URL it posts to."""

    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)  # a select's option values
    checkboxes: dict[str, list[str]] = field(default_factory=dict)  # every checkbox's value, checked or not

    def value(self, name: str) -> str | None:
        """The first value sent under this name, or None."""
        return next((value for key, value in self.fields if key == name), None)

    def set(self, name: str, value: str) -> None:
        """Replace the value(s) of a field, as a person typing into it does."""
        self.fields = [(key, old) for key, old in self.fields if key != name] + [(name, value)]


class _Reader(HTMLParser):
    """Collects the first form whose id is `form_id` (any id when None); what is inside <template> is not sent."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.form, self.inside, self.template_depth = form_id, None, False, 0
        self.textarea: tuple[str, list[str]] | None = None
        self.select: str | None = None
        self.select_values: list[tuple[str, bool]] = []
        self.option: tuple[str | None, bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        if tag == "form" and self.form is None and (self.form_id is None or a.get("id") == self.form_id):
            self.form, self.inside = Form(a.get("hx-post") or a.get("action", "")), True
            return
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "checkbox":
                self.form.checkboxes.setdefault(a["name"], []).append(a.get("value", "on"))
            if kind in _NOT_SENT or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self.form.fields.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self.textarea = (a["name"], [])
        elif tag == "select":
            self.select, self.select_values = a["name"], []
        elif tag == "option" and self.select is not None:
            self.option = (a.get("value"), "selected" in a, [])

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.option is not None:
            self.option[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.template_depth -= 1
            return
        if self.template_depth or not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.textarea[1])
            self.form.fields.append((self.textarea[0], text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "option" and self.option is not None:
            value, selected, text = self.option
            self.select_values.append((value if value is not None else "".join(text).strip(), selected))
            self.option = None
        elif tag == "select" and self.select is not None:
            self.form.options[self.select] = [value for value, _selected in self.select_values]
            chosen = [value for value, selected in self.select_values if selected] or \
                [value for value, _selected in self.select_values[:1]]
            self.form.fields += [(self.select, value) for value in chosen]
            self.select = None


def read_form(html: str, form_id: str | None = None) -> Form:
    """The first form of the page (or the one with this id); fail if there is none."""
    reader = _Reader(form_id)
    reader.feed(html)
    reader.close()
    if reader.form is None:
        raise ValueError(f"no form{' #' + form_id if form_id else ''} in the page")
    return reader.form
