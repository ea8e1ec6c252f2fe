"""The leads: the table, quick add, search and CSV import."""
