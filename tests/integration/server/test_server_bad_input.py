"""Bad requests to a real server get a 4xx with a message that names what is wrong, never a
500 and never a file's content: malformed JSON, oversize bodies (declared or streamed),
unknown fields, wrong types, bad ids, odd names in paths, missing parameters."""

from __future__ import annotations

import uuid

import pytest

LIMIT = 256 * 1024  # the session server's STEPWELL_SERVER_MAX_BODY


@pytest.fixture
def call(server):
    """`call(verb, path, **httpx options)` as the admin, answering the response."""

    def request(verb: str, path: str, **options):
        headers = {**server.headers("admin"), **options.pop("headers", {})}
        return server.http.request(verb, "/api/v1" + path, headers=headers, **options)

    return request


def _json_headers() -> dict[str, str]:
    return {"content-type": "application/json"}


def test_malformed_json_is_a_422_saying_so(call):
    response = call("POST", "/tags", content=b'{"name": ', headers=_json_headers())
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["message"]


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(call):
    response = call("POST", "/tags", content=b"x" * (LIMIT + 1), headers=_json_headers())
    assert response.status_code == 413
    assert response.json() == {
        "error": "PayloadTooLarge",
        "message": f"Request bodies are limited to {LIMIT} bytes.",
    }


def test_a_streamed_body_over_the_limit_is_refused(call, server):
    def chunks():  # no content-length: httpx sends it chunked
        yield b'{"name": "'
        for _ in range(LIMIT // 4096 + 1):
            yield b"y" * 4096
        yield b'"}'

    response = call("POST", "/tags", content=chunks(), headers=_json_headers())
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "PayloadTooLarge"
    names = [tag["name"] for tag in call("GET", "/tags", params={"size": 500}).json()["items"]]
    assert not any(name.startswith("yyyy") for name in names)


def test_a_body_just_under_the_limit_is_accepted(call):
    name = "z" * (LIMIT - 100)
    response = call("POST", "/tags", json={"name": name})
    assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/tags", {"name": "t-unknown", "colour": "red"}, "colour"),
        ("/artifact-versions/prune", {"only_unused": True}, "only_unused"),
        ("/models", {"name": "m-unknown", "lisence": "MIT"}, "lisence"),
    ],
)
def test_an_unknown_field_is_refused_by_name(call, path, body, field):
    response = call("POST", path, json=body)
    assert 400 <= response.status_code < 500, response.text
    assert field in response.json()["message"]


def test_an_unknown_query_parameter_is_refused_by_name(call):
    response = call("GET", f"/runs/{uuid.uuid4()}", params={"hydrated": "true"})
    assert response.status_code == 400
    assert "'hydrated'" in response.json()["message"]
    listing = call("GET", "/runs", params={"colour": "red"})
    assert listing.status_code == 400
    assert "'colour'" in listing.json()["message"]


@pytest.mark.parametrize(
    ("verb", "path", "options", "named"),
    [
        ("POST", "/tags", {"json": {"name": 5}}, "name"),
        ("POST", "/tags", {"json": ["name"]}, "body"),
        (
            "POST",
            "/metadata/query",
            {"json": {"resource_type": "pipeline_run", "resource_ids": ["x"]}},
            "resource_ids",
        ),  # noqa: E501
        (
            "POST",
            f"/runs/{uuid.uuid4()}/end",
            {"json": {"status": "done", "end_time": "now"}},
            "status",
        ),  # noqa: E501
        ("GET", "/runs", {"params": {"page": "first"}}, "page"),
        ("GET", "/runs", {"params": {"descending": "maybe"}}, "descending"),
        ("PATCH", "/models/not-a-uuid", {"json": {}}, "model_id"),
        ("GET", "/runs/not-a-uuid/steps", {}, "run_id"),
        ("DELETE", "/runs/12345", {}, "run_id"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_422_naming_it(call, verb, path, options, named):
    response = call(verb, path, **options)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "ValidationError"
    assert named in response.json()["message"]


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "..%2f..%2fserver.db",
        "%2e%2e",  # a literal ".." is resolved by the client before sending
        "..%5C..%5Cserver.db",
        "%00",
        "a%00b",
        "%ff%fe",
        "%E2%9C%93%F0%9F%98%80",
        "x" * 6000,
        "%25s%25s%25n",
        "%27%20OR%201%3D1%20--",
    ],
    ids=lambda name: name[:24],
)
def test_odd_names_in_paths_are_a_4xx_and_read_no_file(call, server, name):
    database = (server.home / "server.db").read_bytes()[:16]
    for path in (
        f"/pipelines/{name}",
        f"/runs/{name}",
        f"/artifact-versions/{name}",
        f"/components/orchestrator/{name}",
        f"/users/{name}",
    ):
        response = call("GET", path)
        assert 300 <= response.status_code < 500, (path, response.status_code, response.text)
        assert b"root:" not in response.content
        assert database not in response.content
    cached = call("GET", f"/cache/{name}")  # an unknown cache key: no cached step run
    assert cached.status_code in (200, 307, 404), cached.text
    assert cached.status_code != 200 or cached.json() is None


def test_a_missing_required_parameter_is_named(call):
    response = call("POST", "/metadata", json={"resource_type": "pipeline_run"})
    assert response.status_code == 422
    message = response.json()["message"]
    assert "resource_id" in message and "metadata" in message


def test_a_missing_body_is_a_422(call):
    response = call("POST", "/tags")
    assert response.status_code == 422
    assert "body" in response.json()["message"]


def test_a_model_version_without_model_or_id_is_a_400_saying_what_to_give(call):
    response = call("GET", "/model-version")
    assert response.status_code == 400
    assert "Name the model" in response.json()["message"]


def test_a_model_card_value_that_is_not_text_is_refused(call):
    response = call("POST", "/models", json={"name": "card-types", "license": {"a": 1}})
    assert response.status_code == 400
    assert "license" in response.json()["message"]
