"""Object-storage artifact stores (S3 through moto's in-process S3, GCS through a fake client)
and the Backoff wrapper."""

from __future__ import annotations

import io

import boto3
import pytest
from moto import mock_aws

import hypersearch as hs
from hypersearch.artifacts import (
    ArtifactNotFound,
    Backoff,
    Boto3ArtifactStore,
    GCSArtifactStore,
    download_artifact,
    upload_artifact,
)


def _round_trip(store, tmp_path):
    study = hs.create_study()
    trial = study.ask()
    source = tmp_path / "model.bin"
    source.write_bytes(b"\x00weights\xff" * 100)
    artifact_id = upload_artifact(artifact_store=store, file_path=str(source), study_or_trial=trial)
    target = tmp_path / "back.bin"
    download_artifact(artifact_store=store, file_path=str(target), artifact_id=artifact_id)
    assert target.read_bytes() == source.read_bytes()
    store.remove(artifact_id)
    with pytest.raises(ArtifactNotFound):
        store.open_reader(artifact_id)


def test_boto3_store_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="hs-artifacts")
        _round_trip(Boto3ArtifactStore("hs-artifacts", client=client), tmp_path)
        body = io.BytesIO(b"abc")
        Boto3ArtifactStore("hs-artifacts", client=client).write("k", body)
        assert not body.closed  # copied first: boto3 closes what it uploads


class _Blob:
    def __init__(self, blobs: dict[str, bytes], name: str) -> None:
        self._blobs, self.name = blobs, name

    def upload_from_file(self, body) -> None:
        self._blobs[self.name] = body.read()

    def download_as_bytes(self) -> bytes:
        return self._blobs[self.name]

    def delete(self) -> None:
        del self._blobs[self.name]


class _Bucket:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def blob(self, name: str) -> _Blob:
        return _Blob(self.blobs, name)

    def get_blob(self, name: str) -> _Blob | None:
        return _Blob(self.blobs, name) if name in self.blobs else None


class _Client:
    """The part of google.cloud.storage.Client the store uses."""

    def __init__(self) -> None:
        self.buckets: dict[str, _Bucket] = {}

    def bucket(self, name: str) -> _Bucket:
        return self.buckets.setdefault(name, _Bucket())


def test_gcs_store_round_trip(tmp_path):
    client = _Client()
    _round_trip(GCSArtifactStore("b", client=client), tmp_path)
    assert client.buckets["b"].blobs == {}


class _Flaky:
    def __init__(self, failures: int) -> None:
        self.failures, self.data = failures, {}

    def _maybe_fail(self) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("network")

    def open_reader(self, artifact_id):
        self._maybe_fail()
        if artifact_id not in self.data:
            raise ArtifactNotFound(artifact_id)
        return io.BytesIO(self.data[artifact_id])

    def write(self, artifact_id, content_body):
        body = content_body.read()  # consumed before the failure
        self._maybe_fail()
        self.data[artifact_id] = body

    def remove(self, artifact_id):
        self._maybe_fail()
        del self.data[artifact_id]


def test_backoff_retries_from_the_start_of_the_body():
    flaky = _Flaky(failures=2)
    store = Backoff(flaky, min_delay=0.001, max_delay=0.002)
    store.write("a", io.BytesIO(b"payload"))
    assert flaky.data["a"] == b"payload"
    with pytest.raises(ArtifactNotFound):  # an answer, not retried
        store.open_reader("missing")
    flaky.failures = 3
    with pytest.raises(ConnectionError):
        Backoff(flaky, max_retries=2, min_delay=0.001).remove("a")
    with pytest.raises(ValueError, match="max_retries"):
        Backoff(flaky, max_retries=-1)
