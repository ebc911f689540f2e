"""Copy a backup to S3-compatible object storage (boto3), and prune what is older there.

Configured from the environment: ``BACKUP_S3_BUCKET`` (required to upload), ``BACKUP_S3_PREFIX``
(default ``backups/``), ``BACKUP_S3_ENDPOINT_URL`` (MinIO, Ceph, R2...; empty = AWS), and the
usual ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_DEFAULT_REGION``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from infra.backup.manifest import STAMP, Manifest

__all__ = ["UploadFailed", "prune_remote", "upload"]


class UploadFailed(RuntimeError):
    """Object storage is not configured, not reachable, or refused the upload."""


def _client(env: Mapping[str, str]):
    try:
        import boto3  # optional: only operators who upload need it
    except ImportError as exc:
        raise UploadFailed("uploading needs boto3: pip install 'federated-shop[ops]'") from exc
    return boto3.client("s3", endpoint_url=env.get("BACKUP_S3_ENDPOINT_URL") or None)


def _where(env: Mapping[str, str]) -> tuple[str, str]:
    bucket = env.get("BACKUP_S3_BUCKET", "")
    if not bucket:
        raise UploadFailed("BACKUP_S3_BUCKET is not set")
    return bucket, env.get("BACKUP_S3_PREFIX", "backups/")


def upload(manifest_path: Path, env: Mapping[str, str] | None = None) -> list[str]:
    """Upload the dump, then its manifest (a manifest present remotely means a complete copy)."""
    env = os.environ if env is None else env
    bucket, prefix = _where(env)
    manifest = Manifest.read(manifest_path)
    client = _client(env)
    keys = []
    for path in (manifest_path.parent / manifest.file, manifest_path):
        key = f"{prefix}{manifest.service}/{path.name}"
        try:
            client.upload_file(str(path), bucket, key)
        except Exception as exc:  # boto3 raises many types; the operator needs the message
            where = f"s3://{bucket}/{key}"
            raise UploadFailed(f"upload of {path.name} to {where} failed: {exc}") from exc
        keys.append(key)
    return keys


def prune_remote(service: str, *, keep_days: int, now: datetime,
                 env: Mapping[str, str] | None = None) -> list[str]:
    """Delete remote objects of ``service`` whose backup time is older than ``keep_days``."""
    env = os.environ if env is None else env
    bucket, prefix = _where(env)
    client = _client(env)
    cutoff = now - timedelta(days=keep_days)
    listing = client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=f"{prefix}{service}/")
    removed = []
    for page in listing:
        for item in page.get("Contents", []):
            stamp = Path(item["Key"]).stem.removeprefix(f"{service}-")
            try:
                taken = datetime.strptime(stamp, STAMP).replace(tzinfo=now.tzinfo)
            except ValueError:
                continue  # not one of ours
            if taken < cutoff:
                client.delete_object(Bucket=bucket, Key=item["Key"])
                removed.append(item["Key"])
    return removed
