"""Artifact stores in object storage: Amazon S3 (boto3) and Google Cloud Storage.

Each takes a ready client (credentials, endpoint, retries are the client's
business) or makes the library's default one. Artifact ids are object keys.
"""

from __future__ import annotations

import io
import shutil
from typing import Any, BinaryIO

from hypersearch.artifacts._store import ArtifactNotFound, check_artifact_id


def _import(module: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f"This artifact store needs {extra}: pip install {extra}.") from err


class Boto3ArtifactStore:
    """Artifacts as objects in an S3 bucket (or any S3-compatible service).

    Args:
        bucket_name: The bucket; it must exist.
        client: A ``boto3`` S3 client; None makes ``boto3.client("s3")``.
        avoid_buf_copy: Hand the caller's file object to boto3 as it is. boto3
            closes the object it uploads from, so by default the bytes are
            first copied to a buffer of our own.
    """

    def __init__(self, bucket_name: str, client: Any = None, *, avoid_buf_copy: bool = False):
        self.bucket = bucket_name
        self.client = client if client is not None else _import("boto3", "boto3").client("s3")
        self._avoid_buf_copy = avoid_buf_copy

    def __repr__(self) -> str:
        return f"Boto3ArtifactStore({self.bucket!r})"

    def open_reader(self, artifact_id: str) -> BinaryIO:
        key = check_artifact_id(artifact_id)
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as err:
            if _s3_missing(err):
                raise ArtifactNotFound(f"No artifact {key!r} in bucket {self.bucket!r}.") from err
            raise
        return answer["Body"]  # type: ignore[no-any-return]

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        key = check_artifact_id(artifact_id)
        body: BinaryIO = content_body
        if not self._avoid_buf_copy:
            body = io.BytesIO()
            shutil.copyfileobj(content_body, body)
            body.seek(0)
        self.client.upload_fileobj(body, self.bucket, key)

    def remove(self, artifact_id: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_artifact_id(artifact_id))


def _s3_missing(err: Exception) -> bool:
    response = getattr(err, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in ("NoSuchKey", "404", "NotFound")


class GCSArtifactStore:
    """Artifacts as blobs in a Google Cloud Storage bucket.

    Args:
        bucket_name: The bucket; it must exist.
        client: A ``google.cloud.storage.Client``; None makes the default one.
    """

    def __init__(self, bucket_name: str, client: Any = None) -> None:
        self.bucket_name = bucket_name
        if client is None:
            client = _import("google.cloud.storage", "google-cloud-storage").Client()
        self.client = client
        self.bucket_obj = client.bucket(bucket_name)

    def __repr__(self) -> str:
        return f"GCSArtifactStore({self.bucket_name!r})"

    def open_reader(self, artifact_id: str) -> BinaryIO:
        key = check_artifact_id(artifact_id)
        blob = self.bucket_obj.get_blob(key)
        if blob is None:
            raise ArtifactNotFound(f"No artifact {key!r} in bucket {self.bucket_name!r}.")
        return io.BytesIO(blob.download_as_bytes())

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        self.bucket_obj.blob(check_artifact_id(artifact_id)).upload_from_file(content_body)

    def remove(self, artifact_id: str) -> None:
        key = check_artifact_id(artifact_id)
        blob = self.bucket_obj.get_blob(key)
        if blob is None:
            raise ArtifactNotFound(f"No artifact {key!r} in bucket {self.bucket_name!r}.")
        blob.delete()
