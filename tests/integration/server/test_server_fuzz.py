"""The server's OpenAPI schema fuzzed with schemathesis against a real server, as an admin:
no request, however odd, makes it answer 500, and its answers match what the schema
declares (status codes, content types, response bodies). Bounded: a few examples per
operation, so the whole run stays well under a minute."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from live_server import launch_server
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A server of its own: the fuzzer creates, changes and deletes things at random."""
    running = launch_server(tmp_path_factory.mktemp("fuzz-server"))
    yield running
    running.stop()


EXAMPLES = 3  # per operation and generation mode


def _fuzz(operation: Any, mode: Any, headers: dict[str, str]) -> None:
    """Send `EXAMPLES` generated requests of one operation; a failed check raises."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests on every run: a failure can be replayed
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report the first failure
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    check()


def _has_inputs(operation: Any) -> bool:
    """Whether negative examples can be made for the operation: a body or query parameters
    (its path parameters are free text or ids, which the handler checks itself)."""
    in_query = any(parameter.location == "query" for parameter in operation.iter_parameters())
    return in_query or bool(operation.get_request_payload_content_types())


def _describe(error: BaseException) -> str:
    parts = [str(error)[:800]]
    for inner in getattr(error, "exceptions", ()):
        parts.append(_describe(inner))
    return "\n".join(parts)


def test_no_request_makes_the_server_fail_or_break_its_schema(fuzzed_server):
    schema = schemathesis.openapi.from_url(f"{fuzzed_server.url}/api/v1/openapi.json")
    headers = fuzzed_server.headers("admin")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 80
    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if _has_inputs(operation):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            try:
                _fuzz(operation, mode, headers)
            except Unsatisfiable:  # no schema-breaking request exists for the operation
                continue
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as error:  # failure groups too; collected for one report
                failures.append(f"{operation.label} ({mode.value}): {_describe(error)}")
    assert not failures, "\n\n".join(failures) + "\n\nServer log:\n" + fuzzed_server.log[-4000:]
