"""schemathesis against the app served on loopback (demo data, a director's token), on SQLite and PostgreSQL: no
server error, and no answer that breaks the OpenAPI document, for generated requests and for every demo record."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlmodel import Session

from tests.browser.conftest import serve
from tracker.accounts import services as accounts
from tracker.accounts.queries import find_by_username
from tracker.core.db import make_engine

# Few examples per operation and no randomness from run to run: the whole test takes seconds per database.
EXAMPLES = settings(max_examples=12, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api_server(request, empty_database_url, tmp_path_factory):
    """The base URL of the app with the demo data, and the bearer header of a token of the Fars director."""
    url = empty_database_url(request.param)
    with serve(url, tmp_path_factory) as base:
        engine = make_engine(url)
        with Session(engine) as session:
            _token, secret = accounts.create_token(session, user=find_by_username(session, "bayari"), name="آزمون")
            session.commit()
        engine.dispose()
        yield base, {"Authorization": f"Bearer {secret}"}


def test_generated_requests_get_answers_the_document_allows(api_server):
    base, token = api_server
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @EXAMPLES
        def answers_as_documented(case):
            case.call_and_validate(base_url=base, headers=token)

        answers_as_documented()


def test_every_demo_record_the_token_sees_is_answered_as_documented(api_server):
    base, token = api_server
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    operations = {result.ok().path: result.ok() for result in schema.get_all_operations()}

    def call(path: str, **arguments):
        response = operations[path].Case(path_parameters=arguments).call_and_validate(base_url=base, headers=token)
        assert response.status_code == 200, (path, arguments, response.text[:300])
        return response.json()

    projects = operations["/api/projects"].Case(query={"per_page": 100}).call_and_validate(
        base_url=base, headers=token).json()["items"]
    assert projects
    for project in projects:
        call("/api/projects/{ref}", ref=project["slug"])
        for line in call("/api/projects/{ref}/budget", ref=project["id"])["lines"]:
            call("/api/budget-lines/{line_id}/entries", line_id=line["id"])
        call("/api/projects/{ref}/milestones", ref=project["slug"])
        for visit in call("/api/projects/{ref}/visits", ref=project["slug"])["items"]:
            call("/api/visits/{visit_id}", visit_id=visit["id"])
    for decision in operations["/api/decisions"].Case(query={"per_page": 100}).call_and_validate(
            base_url=base, headers=token).json()["items"]:
        call("/api/decisions/{decision_id}", decision_id=decision["id"])
