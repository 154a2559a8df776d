"""`RestStore` against a real server that restarts or is down, and across `os.fork()`:
idempotent calls ride out a restart, an unreachable server is one clear line naming its URL,
and a forked child (as the local orchestrator's workers are) talks to the server on its own
connections."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest
from live_server import free_port, launch_server

from stepwell.exceptions import StoreError
from stepwell.store.rest.store import RestStore


@pytest.fixture(scope="module")
def restartable(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A server of its own, which these tests stop and start again."""
    running = launch_server(tmp_path_factory.mktemp("restart-server"))
    yield running
    running.stop()


@pytest.fixture
def member_store(restartable: Any) -> Any:
    """`member_store(**options)`: a RestStore of the member, closed after the test."""
    made: list[RestStore] = []

    def make(**options: Any) -> RestStore:
        made.append(
            RestStore(restartable.url, api_key=restartable.accounts["member"].api_key, **options)
        )
        return made[-1]

    yield make
    for store in made:
        store.close()


def test_calls_after_a_restart_succeed_on_the_same_store(restartable, member_store):
    store = member_store()
    made = store.create_tag(name="before-restart")
    assert store.get_tag(made.id).name == "before-restart"  # a kept-alive connection now
    restartable.stop()
    restartable.start()
    assert store.get_tag(made.id).name == "before-restart"  # idempotent read
    after = store.create_tag(name="after-restart")  # not idempotent: a fresh connection
    assert store.list_tags(name="after-restart").items[0].id == after.id


def test_an_idempotent_call_made_while_the_server_is_down_waits_for_it(restartable, member_store):
    store = member_store()
    made = store.create_tag(name="waits-for-restart")
    restartable.stop()
    answers: list[Any] = []
    reader = threading.Thread(target=lambda: answers.append(store.get_tag(made.id)))
    reader.start()
    time.sleep(0.3)  # the read is retrying against a closed port now
    restartable.start()
    reader.join(30)
    assert [tag.name for tag in answers] == ["waits-for-restart"]


def test_an_unreachable_server_is_one_line_naming_its_url():
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(StoreError) as raised:
        RestStore(url, api_key="sw_anything")
    message = str(raised.value)
    assert url in message and "\n" not in message
    assert "Cannot reach the stepwell server" in message
    assert time.monotonic() - started < 5  # the first contact does not wait long


def test_a_server_gone_mid_session_is_a_clear_error_after_the_retry_budget(
    restartable, member_store
):
    store = member_store(retry_seconds=1.0)
    store.list_tags()
    restartable.stop()
    try:
        with pytest.raises(StoreError, match="Cannot reach the stepwell server") as raised:
            store.list_tags()
        assert restartable.url in str(raised.value)
        assert "\n" not in str(raised.value)
    finally:
        restartable.start()


def test_a_forked_child_uses_its_own_connections(restartable, member_store):
    store = member_store()
    parent_tag = store.create_tag(name="made-by-parent")
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read and write through the inherited store, report, exit
        code = 1
        try:
            child_tag = store.create_tag(name=f"made-by-child-{os.getpid()}")
            seen = store.get_tag(parent_tag.id).name
            os.write(writer, f"{seen}|{child_tag.name}".encode())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    _, status = os.waitpid(pid, 0)
    report = os.read(reader, 1000).decode()
    os.close(reader)
    assert os.waitstatus_to_exitcode(status) == 0
    assert report == f"made-by-parent|made-by-child-{pid}"
    # The parent's own connections still work after the child used (and dropped) its copy.
    assert store.get_tag(f"made-by-child-{pid}").name == f"made-by-child-{pid}"
