"""Rows of the bad-input table (``tests/bad_input_cases.py``) kept in their own files, one per area.

Each module calls :func:`tests.bad_input_cases.row`, which appends to the one table.
"""
