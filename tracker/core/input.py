"""What the app refuses in any request before a view reads it."""
from itertools import chain

from flask import abort, request


def refuse_nul_bytes() -> None:
    """Answer 400 to a NUL character anywhere in the address, the query or a form: no one types it, and PostgreSQL
    refuses it in text (a 500 wherever it reached a query)."""
    pairs = request.args.items(multi=True)
    if request.method == "POST":
        files = ((name, file.filename or "") for name, file in request.files.items(multi=True))
        pairs = chain(pairs, request.form.items(multi=True), files)
    if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in pairs):
        abort(400)
