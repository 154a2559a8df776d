"""The content hash and the digest of an artifact folder, taken in one pass over the bytes."""

from __future__ import annotations

from stepwell.materializers.fingerprint import (
    content_hash_and_size,
    digest_matches,
    fingerprint,
)


def test_one_pass_gives_the_same_content_hash_as_hashing_alone(store, tmp_path):
    folder = tmp_path / "artifact"
    (folder / "sub").mkdir(parents=True)
    (folder / "data.bin").write_bytes(b"x" * 100_000)
    (folder / "sub" / "empty").write_bytes(b"")
    found = fingerprint(store, str(folder))
    assert (found.content_hash, found.size) == content_hash_and_size(store, str(folder))
    assert sorted(found.files) == ["data.bin", "sub/empty"]


def test_the_digest_covers_files_written_after_the_data_was_hashed(store, tmp_path):
    folder = tmp_path / "artifact"
    folder.mkdir()
    (folder / "data.bin").write_bytes(b"data")
    found = fingerprint(store, str(folder))
    (folder / "preview.html").write_text("<p>data</p>")  # a visualization, written later
    digest = found.digest_of_folder(store, str(folder))
    assert digest.startswith("sha256:") and digest_matches(store, str(folder), digest)
    (folder / "preview.html").write_text("<script>steal()</script>")
    assert not digest_matches(store, str(folder), digest)


def test_a_changed_byte_or_an_unknown_algorithm_never_matches(store, tmp_path):
    folder = tmp_path / "artifact"
    folder.mkdir()
    (folder / "data.bin").write_bytes(b"data")
    digest = fingerprint(store, str(folder)).digest_of_folder(store, str(folder))
    assert not digest_matches(store, str(folder), "md5:" + digest.split(":")[1])
    (folder / "data.bin").write_bytes(b"date")
    assert not digest_matches(store, str(folder), digest)
