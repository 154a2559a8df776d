"""Which registered artifact store reads a bare s3:// URI in a fresh process, and what it says.

A process that did not build the stack finds the store of a URI among the registered
components. A broken component (its secret is gone) that the URI does not need must not
print anything; the active stack's store wins where several share a root; a warning appears
only when no component that holds the URI can be used. S3 is moto's server on loopback
behind a proxy recording which access key signed each request; the reader is a real process.
"""

from __future__ import annotations

import subprocess
import sys

from stepwell import pipeline, step
from stepwell.client import Client


@step
def table() -> dict:
    return {"a": [1, 2, 3]}


@pipeline(enable_cache=False)
def one_table() -> None:
    table()


def _register(client: Client, name: str, path: str, endpoint: str, secret: str) -> None:
    client.create_stack_component(
        name,
        "s3",
        "artifact_store",
        {
            "path": path,
            "endpoint_url": endpoint,
            "key": "{{" + secret + ".access_key_id}}",
            "secret": "{{" + secret + ".secret_access_key}}",
        },
    )


def _run_on_working_store(client: Client, bucket: str, endpoint: str) -> str:
    """Register `good` (the active stack's store) and a run on it; the output's URI."""
    client.create_secret("aws", {"access_key_id": "AKIDGOOD", "secret_access_key": "s3cr3t"})
    _register(client, "good", f"s3://{bucket}/stepwell", endpoint, "aws")
    client.create_stack("cluster", {"orchestrator": "default", "artifact_store": "good"})
    client.activate_stack("cluster")
    run = one_table()
    return str(client.get_pipeline_run(run.name).steps["table"].output.id)


def _broken(client: Client, name: str, path: str, endpoint: str) -> None:
    """A component whose secret existed when it was registered and is gone now."""
    client.create_secret("gone", {"access_key_id": "AKIDBAD", "secret_access_key": "x"})
    _register(client, name, path, endpoint, "gone")
    client.delete_secret("gone")


def _load_in_a_fresh_process(version_id: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from stepwell.client import Client\n"
            f"print(Client().get_artifact_version('{version_id}').load())\n",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_broken_component_elsewhere_in_the_bucket_is_not_mentioned_on_reads(bucket, s3_proxy):
    client = Client()
    version_id = _run_on_working_store(client, bucket, s3_proxy.url)
    _broken(client, "bad2", f"s3://{bucket}/other", s3_proxy.url)

    reader = _load_in_a_fresh_process(version_id)

    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.strip() == "{'a': [1, 2, 3]}"
    assert "bad2" not in reader.stderr


def test_the_active_stacks_store_reads_a_root_a_broken_component_shares(bucket, s3_proxy):
    client = Client()
    version_id = _run_on_working_store(client, bucket, s3_proxy.url)
    # Same root and a name sorting after `good`: only the preference keeps it out.
    _broken(client, "zz_same_root", f"s3://{bucket}/stepwell", s3_proxy.url)
    # A working component with the same root and other credentials is not preferred either.
    client.create_secret("other", {"access_key_id": "AKIDOTHER", "secret_access_key": "y"})
    _register(client, "zz_other", f"s3://{bucket}/stepwell", s3_proxy.url, "other")
    s3_proxy.access_keys.clear()

    reader = _load_in_a_fresh_process(version_id)

    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.strip() == "{'a': [1, 2, 3]}"
    assert "zz_same_root" not in reader.stderr
    assert set(s3_proxy.access_keys) == {"AKIDGOOD"}


def test_a_warning_names_the_broken_component_when_none_holding_the_uri_works(bucket, s3_proxy):
    client = Client()
    version_id = _run_on_working_store(client, bucket, s3_proxy.url)
    client.activate_stack("default")
    client.delete_stack("cluster")
    client.delete_stack_component("good", "artifact_store")
    _broken(client, "bad_only", f"s3://{bucket}/stepwell", s3_proxy.url)

    reader = _load_in_a_fresh_process(version_id)

    assert "Cannot use artifact store 'bad_only'" in reader.stderr
    assert "stepwell secret create gone" in reader.stderr
