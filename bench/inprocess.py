"""The app in this process: the SQL statements one request issues, and their query plans."""
import re
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import event

from tracker import create_app
from tracker.accounts.models import User
from tracker.accounts.services import start_login


@dataclass(frozen=True)
class Statement:
    """One SQL statement as the driver received it."""

    sql: str
    parameters: object


@dataclass
class StatementCounter:
    """The app on the bench database, with every statement its engine sends recorded."""

    app: Flask
    seen: list[Statement] = field(default_factory=list)

    @classmethod
    def on(cls, database_url: str) -> "StatementCounter":
        """Build the app on a database and listen to its engine."""
        counter = cls(create_app({"DATABASE_URL": database_url, "TESTING": True}))

        def record(_conn, _cursor, statement, parameters, _context, _executemany):
            counter.seen.append(Statement(statement, parameters))

        event.listen(counter.app.extensions["engine"], "before_cursor_execute", record)
        return counter

    def logged_in(self, user_id: int):
        """A test client with a login session of this user, opened without the cost of a password check."""
        with self.app.extensions["session_factory"]() as db:
            secret = start_login(db, user=db.get(User, user_id), user_agent="bench")
            db.commit()
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
            session["login"] = secret
        return client

    def statements(self, user_id: int, path: str, headers: dict | None = None) -> tuple[list[Statement], str]:
        """The statements of one GET of `path` as this user (after a warm-up GET), and the page it returned."""
        client = self.logged_in(user_id)
        client.get(path, headers=headers)
        self.seen.clear()
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise AssertionError(f"in-process GET {path} answered {response.status_code}")
        return list(self.seen), response.get_data(as_text=True)

    def post_statements(self, user_id: int, page: str, path: str, data: dict,
                        headers: dict | None = None) -> tuple[list[Statement], str, int]:
        """The statements of one POST of `data` to `path` as this user, with the CSRF token a GET of `page`
        put in its session; and the reply's body and status."""
        client = self.logged_in(user_id)
        html = client.get(page).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"', html)
        if token is None:
            raise AssertionError(f"no CSRF token on {page}")
        self.seen.clear()
        response = client.post(path, data=data | {"csrf_token": token.group(1) or token.group(2)}, headers=headers)
        return list(self.seen), response.get_data(as_text=True), response.status_code

    def explain(self, statements: list[Statement], marks: tuple[str, ...] = ("FROM projects",),
                ) -> list[tuple[str, str]]:
        """EXPLAIN ANALYZE of each SELECT that reads one of `marks` (by default projects; PostgreSQL only)."""
        engine = self.app.extensions["engine"]
        plans = []
        with engine.connect() as conn:
            for statement in statements:
                if not statement.sql.lstrip().upper().startswith("SELECT") or not any(
                        mark in statement.sql for mark in marks):
                    continue
                rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}", statement.parameters)
                plans.append((statement.sql, "\n".join(row[0] for row in rows)))
        return plans

    def close(self) -> None:
        """Close the app's connections."""
        self.app.extensions["engine"].dispose()
