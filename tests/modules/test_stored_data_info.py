"""fastish.platform.stored_data_info against the local cloud (moto with the project's patches)."""

from __future__ import annotations

import json

from tests.modules.support import module


def _run(cloud, tmp_path, params, *args):
    return module(cloud, tmp_path, "stored_data_info", params, *args, host="local-bootstrap")


def test_counts_object_versions_and_delete_markers(cloud, tmp_path):
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="data")
    s3.put_bucket_versioning(Bucket="data", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="data", Key="a", Body=b"1")
    s3.put_object(Bucket="data", Key="a", Body=b"2")
    s3.delete_object(Bucket="data", Key="a")  # leaves two versions and a delete marker
    result = _run(cloud, tmp_path, {"s3_bucket": "data"})
    assert result["s3_bucket"] == {
        "name": "data",
        "exists": True,
        "objects": 3,
        "empty": False,
        "truncated": False,
    }
    assert result["changed"] is False


def test_empty_and_missing_bucket(cloud, tmp_path):
    cloud.client("s3").create_bucket(Bucket="empty")
    result = _run(cloud, tmp_path, {"s3_bucket": "empty"})
    assert result["s3_bucket"]["exists"] and result["s3_bucket"]["empty"]
    result = _run(cloud, tmp_path, {"s3_bucket": "missing"})
    assert result["s3_bucket"]["exists"] is False


def test_counting_stops_at_max_items(cloud, tmp_path):
    s3 = cloud.client("s3")
    s3.create_bucket(Bucket="many")
    for i in range(5):
        s3.put_object(Bucket="many", Key=f"k{i}", Body=b"x")
    result = _run(cloud, tmp_path, {"s3_bucket": "many", "max_items": 2})
    assert result["s3_bucket"]["truncated"] is True
    assert result["s3_bucket"]["objects"] >= 2
    assert result["s3_bucket"]["empty"] is False


def test_repository_images(cloud, tmp_path):
    ecr = cloud.client("ecr")
    ecr.create_repository(repositoryName="images")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"digest": "sha256:" + "0" * 64},
            "layers": [],
        }
    )
    ecr.put_image(repositoryName="images", imageManifest=manifest, imageTag="v1")
    result = _run(cloud, tmp_path, {"ecr_repository": "images"})
    assert result["ecr_repository"] == {
        "name": "images",
        "exists": True,
        "images": 1,
        "empty": False,
        "truncated": False,
    }
    result = _run(cloud, tmp_path, {"ecr_repository": "nope"})
    assert result["ecr_repository"]["exists"] is False


def test_check_mode_reads_only(cloud, tmp_path):
    cloud.client("s3").create_bucket(Bucket="data")
    cloud.client("ecr").create_repository(repositoryName="images")
    cloud.reset_requests()
    result = _run(cloud, tmp_path, {"s3_bucket": "data", "ecr_repository": "images"}, "--check")
    assert result["s3_bucket"]["exists"] and result["ecr_repository"]["exists"]
    log = cloud.requests()
    assert log["count"] > 0
    assert log["mutating"] == 0, [r for r in log["requests"] if r["mutating"]]


def test_needs_a_store(cloud, tmp_path):
    result = _run(cloud, tmp_path, {})
    assert result["failed"] is True
    assert "one of the following is required: s3_bucket, ecr_repository" in result["msg"]
