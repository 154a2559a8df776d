"""A snapshot's graph through a real server: the edges a run page draws, and an answer the
browser keeps and revalidates (ETag, 304)."""

from __future__ import annotations

from live_server import RunningServer

from stepwell import pipeline, step
from stepwell.client import Client


@step
def make(x: int) -> int:
    return x


@step
def add(a: int, b: int) -> int:
    return a + b


@pipeline(enable_cache=False)
def diamond() -> None:
    left = make(1, id="left")
    right = make(2, id="right")
    add(left, right, id="both")
    make(3, id="last", after="both")


def test_the_graph_holds_each_invocation_with_its_data_and_after_edges(
    use_server: RunningServer,
) -> None:
    run = diamond()
    graph = Client().store.get_snapshot_graph(run.snapshot_id)
    edges = {node.id: (node.step_name, node.inputs, node.after) for node in graph.invocations}
    assert edges == {
        "left": ("make", [], []),
        "right": ("make", [], []),
        "both": ("add", ["left", "right"], []),
        "last": ("make", [], ["both"]),
    }


def test_an_unchanged_graph_is_answered_with_an_empty_304(use_server: RunningServer) -> None:
    run = diamond()
    path = f"/api/v1/snapshots/{run.snapshot_id}/graph"
    first = use_server.http.get(path, headers=use_server.headers("viewer"))
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, no-cache"
    again = use_server.http.get(
        path, headers={**use_server.headers("viewer"), "if-none-match": first.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == first.headers["etag"]
