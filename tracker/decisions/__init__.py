"""Decisions (مصوبه): what a visit or a meeting decided, with an owner and a due date, followed up province-wide."""
