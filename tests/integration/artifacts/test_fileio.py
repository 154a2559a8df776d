"""`stepwell.io.fileio` on a local folder and on an S3-compatible store (moto's server).

The same checks run on both, so a step that lists, copies or reads files works unchanged
whether its artifact store is a folder or a bucket.
"""

import importlib
import uuid

import pytest

from stepwell import pipeline, step
from stepwell.io import fileio

s3fs = pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_root(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": s3_endpoint})
    bucket = f"fileio-{uuid.uuid4().hex[:12]}"  # unique: the moto server is shared
    fs.mkdir(bucket)
    monkeypatch.setenv("STEPWELL_ARTIFACT_STORE_PATH", f"s3://{bucket}/artifacts")
    importlib.import_module("stepwell.store.active").reset_store()
    yield f"s3://{bucket}/work"
    # Cached filesystems remember this server's endpoint; later tests start their own.
    s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture(params=["local", "s3"])
def root(request, tmp_path):
    if request.param == "local":
        return str(tmp_path / "work")
    return request.getfixturevalue("s3_root")


def test_write_read_list_and_size(root):
    fileio.makedirs(f"{root}/data/sub")
    with fileio.open(f"{root}/data/a.txt", "w") as handle:
        handle.write("hello")
    with fileio.open(f"{root}/data/sub/b.bin", "wb") as handle:
        handle.write(b"\x00" * 10)
    assert fileio.exists(f"{root}/data/a.txt")
    assert fileio.isdir(f"{root}/data") and not fileio.isdir(f"{root}/data/a.txt")
    with fileio.open(f"{root}/data/a.txt") as handle:
        assert handle.read() == "hello"
    assert fileio.listdir(f"{root}/data") == ["a.txt", "sub"]
    assert fileio.listdir(f"{root}/missing") == []
    assert fileio.size(f"{root}/data/a.txt") == 5
    assert fileio.size(f"{root}/data") == 15
    assert fileio.size(f"{root}/missing") == 0


def test_glob_and_walk_keep_the_scheme(root):
    fileio.makedirs(f"{root}/tree/x")
    for path in (f"{root}/tree/one.csv", f"{root}/tree/x/two.csv"):
        with fileio.open(path, "w") as handle:
            handle.write("1")
    assert fileio.glob(f"{root}/tree/*.csv") == [f"{root}/tree/one.csv"]
    assert fileio.glob(f"{root}/tree/*/*.csv") == [f"{root}/tree/x/two.csv"]
    walked = {
        str(folder).rstrip("/"): sorted(files)
        for folder, _dirs, files in fileio.walk(f"{root}/tree")
    }
    assert walked == {f"{root}/tree": ["one.csv"], f"{root}/tree/x": ["two.csv"]}


def test_copy_rename_remove_and_rmtree(root):
    fileio.makedirs(f"{root}/ops")
    with fileio.open(f"{root}/ops/src.txt", "w") as handle:
        handle.write("payload")
    fileio.copy(f"{root}/ops/src.txt", f"{root}/ops/copy.txt")
    with pytest.raises(FileExistsError):
        fileio.copy(f"{root}/ops/src.txt", f"{root}/ops/copy.txt")
    fileio.rename(f"{root}/ops/copy.txt", f"{root}/ops/moved.txt")
    assert not fileio.exists(f"{root}/ops/copy.txt")
    with fileio.open(f"{root}/ops/moved.txt") as handle:
        assert handle.read() == "payload"
    fileio.remove(f"{root}/ops/moved.txt")
    with pytest.raises(FileNotFoundError):
        fileio.remove(f"{root}/ops/moved.txt")
    assert fileio.stat(f"{root}/ops/src.txt") is not None
    fileio.rmtree(f"{root}/ops")
    assert not fileio.exists(f"{root}/ops/src.txt")
    with pytest.raises(TypeError):
        fileio.rmtree(f"{root}/ops")


def test_copy_between_a_local_folder_and_the_bucket(s3_root, tmp_path):
    local = tmp_path / "local.txt"
    local.write_text("across")
    fileio.copy(str(local), f"{s3_root}/in-bucket.txt")
    fileio.copy(f"{s3_root}/in-bucket.txt", str(tmp_path / "back.txt"))
    assert (tmp_path / "back.txt").read_text() == "across"


@step
def write_note() -> str:
    from stepwell import get_step_context

    folder = get_step_context().get_output_artifact_uri().rsplit("/", 1)[0] + "/notes"
    fileio.makedirs(folder)
    with fileio.open(f"{folder}/hello.txt", "w") as handle:
        handle.write("hi")
    return f"{folder}/hello.txt"


@pipeline
def fileio_pipeline():
    write_note()


def test_a_step_writes_into_its_s3_artifact_store_through_fileio(s3_root, s3_endpoint):
    run = fileio_pipeline()
    path = run.steps["write_note"].output.load()
    assert path.startswith("s3://")
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": s3_endpoint})
    assert fs.cat(path) == b"hi"
