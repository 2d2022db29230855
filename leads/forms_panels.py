"""Forms of the notes panel and of the statuses/sources admin page. They mirror the API payload."""

from __future__ import annotations

import uuid

from django import forms

from leads.attributes import normalise_hex

NOTE_TITLE_MAX = 191
DEFAULT_COLOR = "#2f5bea"


class _PanelForm(forms.Form):
    """A form several copies of which share one page (one per note, per attribute): a one-time
    token against double submits, and element ids made unique by ``prefix_id``."""

    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("token"):
            self.initial["token"] = uuid.uuid4().hex
        if prefix_id:
            for name, field in self.fields.items():
                field.widget.attrs["id"] = f"{prefix_id}-{name}"


class NoteForm(_PanelForm):
    # The title is required by TaskIP; the browser asks for it (``required`` attribute) and
    # the API's own 422 lands on the field if it still arrives empty.
    title = forms.CharField(
        max_length=NOTE_TITLE_MAX,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off", "placeholder": "e.g. Call summary"}),
    )
    note = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "required": True, "placeholder": "What happened, what is next…"}),
    )

    # the note as loaded into the edit form (crmui.writes.snapshot): no lost updates
    loaded = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_note(self):
        return (self.cleaned_data.get("note") or "").strip("\r\n").rstrip()


class AttributeForm(_PanelForm):
    name = forms.CharField(
        max_length=191, strip=True, widget=forms.TextInput(attrs={"autocomplete": "off", "required": True})
    )
    color = forms.CharField(
        max_length=50,
        required=False,
        initial=DEFAULT_COLOR,
        widget=forms.TextInput(
            attrs={
                "class": "hex-input",
                "spellcheck": "false",
                "autocomplete": "off",
                "placeholder": "#3498db",
                "pattern": "#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})",
                "title": "A hex colour such as #3498db",
            }
        ),
    )

    def clean_color(self):
        raw = (self.cleaned_data.get("color") or "").strip()
        if not raw:
            return None
        try:
            return normalise_hex(raw)
        except ValueError:
            raise forms.ValidationError("Enter a hex colour such as #3498db.") from None

    def picker_value(self) -> str:
        """What the <input type=color> next to the hex field shows (it only takes #rrggbb)."""
        raw = self["color"].value() or ""
        try:
            return normalise_hex(raw)
        except ValueError:
            return DEFAULT_COLOR
