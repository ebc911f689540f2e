"""Backups copied to S3-compatible storage (a local moto S3 server) and pruned there by age."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta

import boto3
import httpx
import pytest

from infra.backup.dump import back_up
from infra.backup.targets import Database
from infra.backup.upload import UploadFailed, prune_remote, upload
from streaming.broker import free_port

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def s3_env():
    """A local S3 endpoint with one bucket, and the environment the backup tool reads."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {"BACKUP_S3_BUCKET": "shop-backups", "BACKUP_S3_PREFIX": "nightly/",
           "BACKUP_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                            "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
                      AWS_DEFAULT_REGION="us-east-1")
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(env["BACKUP_S3_ENDPOINT_URL"], timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the local S3 server did not start"
                time.sleep(0.1)
        client = boto3.client("s3", endpoint_url=env["BACKUP_S3_ENDPOINT_URL"])
        client.create_bucket(Bucket="shop-backups")
        yield env, client
    finally:
        server.terminate()
        server.wait(10)
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def small_backup(tmp_path, when: datetime):
    source = tmp_path / "orders.db"
    if not source.exists():
        with closing(sqlite3.connect(source)) as conn:
            conn.execute("CREATE TABLE orders (id TEXT)")
            conn.commit()
    db = Database("orders", f"sqlite+aiosqlite:///{source}")
    manifest = back_up(db, tmp_path / "b", now=when)
    return tmp_path / "b" / f"{manifest.stem}.json", manifest


def test_upload_sends_the_dump_and_then_its_manifest_intact(s3_env, tmp_path):
    env, client = s3_env
    path, manifest = small_backup(tmp_path, datetime(2026, 12, 1, tzinfo=UTC))

    keys = upload(path, env)

    assert keys == [f"nightly/orders/{manifest.file}", f"nightly/orders/{path.name}"]
    body = client.get_object(Bucket="shop-backups", Key=keys[0])["Body"].read()
    assert body == (path.parent / manifest.file).read_bytes()


def test_remote_prune_deletes_only_backups_older_than_the_window(s3_env, tmp_path):
    env, client = s3_env
    now = datetime(2026, 12, 4, tzinfo=UTC)
    for days_ago in (40, 31, 2):
        upload(small_backup(tmp_path, now - timedelta(days=days_ago))[0], env)

    removed = prune_remote("orders", keep_days=30, now=now, env=env)

    left = [o["Key"] for o in client.list_objects_v2(Bucket="shop-backups",
                                                      Prefix="nightly/orders/")["Contents"]]
    assert len(removed) == 4 and all("202610" in key or "20261103" in key for key in removed)
    assert any("20261202" in key for key in left) and not set(removed) & set(left)


def test_upload_without_a_bucket_is_a_clear_error(tmp_path):
    path, _ = small_backup(tmp_path, datetime(2026, 12, 1, tzinfo=UTC))
    with pytest.raises(UploadFailed, match="BACKUP_S3_BUCKET"):
        upload(path, {})
