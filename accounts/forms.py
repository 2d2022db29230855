from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.http import QueryDict

from accounts.models import SavedView

# Never part of a saved view: which page one was on, and cache-busting flags.
_DROP_PARAMS = {"page", "refresh", "csrfmiddlewaretoken"}


def clean_query(raw: str) -> str:
    """Accept '?a=1&b=2', 'a=1&b=2' or a whole lead-list URL; keep only the query string,
    re-encoded (so nothing but plain key=value pairs is stored)."""
    raw = (raw or "").strip()
    if "?" in raw:
        raw = urlsplit(raw).query if raw.split("?", 1)[0] else raw.split("?", 1)[1]
    raw = raw.split("#", 1)[0]
    q = QueryDict(raw, mutable=True)
    for name in list(q):
        if name in _DROP_PARAMS or not name.strip():
            del q[name]
    return q.urlencode()


class ProfileForm(forms.Form):
    team_member = forms.TypedChoiceField(label="Your TaskIP team member", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_member"].choices = [("", "— Not linked —")] + [(m_id, name) for m_id, name in members]


class SavedViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "query"]
        labels = {"name": "Name", "query": "Lead list filters"}
        help_texts = {"query": "The filters of the lead list, as in its address after the “?”."}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the view a name.")
        return name

    def clean_query(self):
        return clean_query(self.cleaned_data.get("query", ""))
