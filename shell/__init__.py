"""The dashboard's frame: home, navigation, the context every page gets, and the API budget page.

`crmui` is the shared library (the TaskIP client, cache, budget record, htmx helpers) and imports
no app; what ties the apps together into one site lives here.
"""
