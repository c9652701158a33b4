"""Files on an S3-compatible store (OSS, COS, MinIO…): the same paths as on a local folder, checked
against moto's standalone S3 server speaking the protocol over HTTP on the loopback."""

import json
import os
import subprocess
import sys

import boto3
import pytest
from django.core.management import call_command
from django.test import override_settings

from gongkai.archive.models import Snapshot
from gongkai.disclosure.tests.factories import PNG, published_item

BUCKET = "gongkai-files"


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    endpoint, client = s3_server
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "access_key": "k",
        "secret_key": "s",
        "default_acl": "private",
        "file_overwrite": False,
        "addressing_style": "path",
    }
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    with override_settings(STORAGES=storages):
        yield client


def test_attachments_and_the_archive_live_in_the_bucket(s3_storage, tree, client):
    item = published_item(tree.a, min_internal_days=0, attachments=[("现场照片.png", PNG, False)])
    keys = {o["Key"] for o in s3_storage.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    attachment = item.attachments.get()
    assert attachment.stored_name in keys
    snapshot = Snapshot.objects.get(item=item)
    assert {f.path for f in snapshot.files.all()} <= keys

    response = client.get(f"/items/{item.pk}/files/{attachment.pk}/")  # the public, through the app
    assert b"".join(response.streaming_content) == PNG

    call_command("fixity_check")  # every digest re-read from the bucket matches


def test_s3_settings_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "GONGKAI_VAR_DIR": str(tmp_path),
        "GONGKAI_S3_BUCKET": "dangwu",
        "GONGKAI_S3_ENDPOINT_URL": "https://oss-cn-hangzhou.aliyuncs.com",
        "GONGKAI_S3_REGION": "cn-hangzhou",
        "GONGKAI_S3_ADDRESSING": "virtual",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from gongkai import settings; print(json.dumps(settings.STORAGES['default']))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    default = json.loads(out)
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "dangwu"
    assert default["OPTIONS"]["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
    assert default["OPTIONS"]["default_acl"] == "private"
