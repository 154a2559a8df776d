"""The spec's "Dynamic Fan-out/Fan-in with Snapshots" example, with `zenml` read as `stepwell`.

Changes from the spec's text, for a test: the poll interval is 0.2 s instead of 10 s, and
`process_chunk` fails for "chunk_3" so that exactly one triggered run fails.
"""

import json
import time
from typing import List, Optional
from uuid import UUID

from stepwell import pipeline, step
from stepwell.client import Client


@step
def load_relevant_chunks() -> List[str]:
    """Load chunk identifiers from database or other dynamic source."""
    return ["chunk_1", "chunk_2", "chunk_3", "chunk_4"]


@step
def trigger_chunk_processing(chunks: List[str], snapshot_id: Optional[UUID] = None) -> List[UUID]:
    """Trigger multiple pipeline runs for each chunk and wait for completion."""
    client = Client()
    pipeline_name = None if snapshot_id else "chunk_processing_pipeline"
    run_ids = []
    for chunk_id in chunks:
        run_config = {"steps": {"process_chunk": {"parameters": {"chunk_id": chunk_id}}}}
        run = client.trigger_pipeline(
            snapshot_name_or_id=snapshot_id,
            pipeline_name_or_id=pipeline_name,
            run_configuration=run_config,
            synchronous=False,
        )
        run_ids.append(run.id)

    print(f"Waiting for {len(run_ids)} chunk processing runs to complete...")
    completed_runs = set()
    while True:
        pending_runs = [run_id for run_id in run_ids if run_id not in completed_runs]
        for run_id in pending_runs:
            run = client.get_pipeline_run(run_id)
            if run.status.is_finished:
                completed_runs.add(run_id)
        if len(completed_runs) == len(run_ids):
            print("All chunk processing runs completed!")
            break
        print(f"Completed: {len(completed_runs)}/{len(run_ids)} runs")
        time.sleep(0.2)
    return run_ids


@step
def aggregate_results(run_ids: List[UUID]) -> dict:
    """Aggregate results from all chunk processing runs."""
    client = Client()
    aggregated_results = {}
    failed_runs = []
    for run_id in run_ids:
        run = client.get_pipeline_run(run_id)
        if run.status.value == "failed":
            failed_runs.append({"run_id": str(run_id), "status": run.status.value})
            print(f"WARNING: Run {run_id} failed with status {run.status.value}")
            continue
        if "process_chunk" in run.steps:
            step_run = run.steps["process_chunk"]
            chunk_result = step_run.output.load()
            aggregated_results[str(run_id)] = chunk_result
    total_runs = len(run_ids)
    successful_runs = len(aggregated_results)
    failed_count = len(failed_runs)
    print(f"Aggregation complete: {successful_runs}/{total_runs} runs successful")
    return {
        "successful_results": aggregated_results,
        "failed_runs": failed_runs,
        "summary": {
            "total_runs": total_runs,
            "successful_runs": successful_runs,
            "failed_runs": failed_count,
        },
    }


@pipeline(enable_cache=False)
def fan_out_fan_in_pipeline(snapshot_id: Optional[UUID] = None):
    """Fan-out/fan-in pipeline that orchestrates dynamic chunk processing."""
    chunks = load_relevant_chunks()
    run_ids = trigger_chunk_processing(chunks, snapshot_id)
    results = aggregate_results(run_ids)
    return results


@step
def process_chunk(chunk_id: Optional[str] = None) -> dict:
    """Process a single chunk of data."""
    print(f"Processing chunk: {chunk_id}")
    if chunk_id == "chunk_3":
        raise ValueError("chunk_3 is corrupt")
    return {"chunk_id": chunk_id, "processed_items": 100, "status": "completed"}


@pipeline
def chunk_processing_pipeline():
    """Pipeline that processes a single chunk."""
    result = process_chunk()
    return result


if __name__ == "__main__":
    snapshot = chunk_processing_pipeline.create_snapshot(
        name="chunk_processing", description="Snapshot for processing individual chunks"
    )
    run = fan_out_fan_in_pipeline(snapshot_id=snapshot.id)
    results = run.steps["aggregate_results"].output.load()
    print("SUMMARY " + json.dumps(results["summary"]))
    print(
        "CHUNKS "
        + json.dumps(sorted(r["chunk_id"] for r in results["successful_results"].values()))
    )
