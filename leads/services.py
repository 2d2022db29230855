"""Lead writes (create, update, delete, convert, send email) and the single-lead read.
Reads of lists and the board live in leads/selectors.py."""
