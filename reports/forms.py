from django import forms

from reports.models import ImportJob


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="A .csv file with a header row; UTF-8 or Latin-1; commas, semicolons or tabs."
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = (f.name or "").lower()
        if name.endswith((".xlsx", ".xls", ".numbers", ".ods")):
            raise forms.ValidationError(
                "That is a spreadsheet file. Save it as CSV (File › Save as › CSV) and upload that."
            )
        return f


class StartForm(forms.Form):
    mode = forms.ChoiceField(choices=ImportJob.MODE_CHOICES, widget=forms.RadioSelect, initial=ImportJob.CREATE_ONLY)
    skip_invalid = forms.BooleanField(required=False)

    def __init__(self, *args, invalid: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def clean(self):
        data = super().clean()
        if self.invalid and not data.get("skip_invalid"):
            raise forms.ValidationError(
                f"{self.invalid} row{'s have' if self.invalid != 1 else ' has'} problems. Tick “skip the rows with problems”, "
                "or fix the file and upload it again."
            )
        return data
