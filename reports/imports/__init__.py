"""Importing leads from CSV, cut by job:

* ``reading``: the upload (size, encoding, delimiter, header row), fields and the guessed mapping;
* ``validation``: every row checked against TaskIP's reference data before anything is written;
* ``running``: the "import" kind of the one job runner (jobs/runner.py), run by the worker;
* ``reporting``: progress counts and the downloadable report.
"""
