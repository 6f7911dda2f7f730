"""Errors: one line by default (usage, lookup, service, botocore with hints), full traceback on request."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)
from IPython.core.error import UsageError

from lineage_magics.connect import local_service
from lineage_magics.errors import LineageError, ServiceError, map_error

from .conftest import client_of, ok, run


@pytest.fixture
def no_aws(monkeypatch, tmp_path):
    """An environment with no AWS credentials, region or metadata service."""
    import os

    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def one_line(out, name: str = "LineageError") -> str:
    """The error line the shell printed; asserts it is the only output and has no traceback."""
    text = (out.stdout + out.stderr).strip()
    assert "Traceback" not in text and "\n" not in text, text
    assert text.startswith(f"{name}: "), text
    return text


@pytest.mark.parametrize(
    "cell",
    [
        "%lineage show nothing-here",
        "%lineage trace nothing-here",
        "%lineage link nothing-a nothing-b",
        "%lineage delete nothing-here",
        "%lineage cleanup nothing-here",
        "%lineage impact nothing-here",
        "%%lineage context wf\nartifact a T u\na -> nothing-here\n",
    ],
)
def test_lookup_errors_are_one_line(ip, cell):
    out = run(ip, cell)
    assert isinstance(out.error, LineageError)
    assert "nothing-here" in one_line(out, type(out.error).__name__) or "nothing-a" in out.stdout


def test_dsl_error_prints_one_line_with_the_line_number(ip):
    out = run(ip, "%%lineage context wf\naction a T\nartefact b T u\n")
    assert one_line(out, "LineageSyntaxError").startswith("LineageSyntaxError: line 3: unknown declaration")


def test_dsl_errors_are_all_reported_each_with_its_line(ip):
    out = run(ip, "%%lineage context wf\nartefact b T u\naction a T\nartifact c\nfoo bar\n")
    text = (out.stdout + out.stderr).strip()
    assert "Traceback" not in text
    assert text.splitlines() == [
        "LineageSyntaxError: 3 problems",
        "  line 2: unknown declaration 'artefact' (did you mean 'artifact'?); expected artifact, action, "
        "context, property or 'A -> B [TYPE]'",
        "  line 4: artifact needs TYPE and URI: artifact NAME TYPE URI [k=v ...]",
        "  line 5: unknown declaration 'foo'; expected artifact, action, context, property or 'A -> B [TYPE]'",
    ]
    assert [p.split(":")[0] for p in out.error.problems] == ["line 2", "line 4", "line 5"]


def test_every_unknown_edge_end_is_reported_and_nothing_is_written(ip):
    out = run(
        ip, "%%lineage context wf\nartifact data T s3://b/d\naction train T\ndta -> train\ntrain -> modl\n"
    )
    lines = (out.stdout + out.stderr).strip().splitlines()
    assert lines[0] == "WorkflowError: 2 problems"
    assert lines[1].startswith(
        "  line 4: 'dta' is neither declared in the cell nor an existing entity (did you mean 'data'?)"
    )
    assert lines[2].startswith("  line 5: 'modl' is neither declared in the cell nor an existing entity")
    assert len(lines) == 3
    assert client_of(ip).list("contexts") == []


def test_one_problem_is_still_one_line(ip):
    out = run(ip, "%%lineage context wf\naction a T\nb -> a\n")
    assert one_line(out, "WorkflowError").startswith("WorkflowError: line 3: 'b' is neither declared")


def test_usage_error_is_one_line_on_stderr(ip):
    out = run(ip, "%lineage trace x --depth none")
    assert isinstance(out.error, UsageError)
    assert out.stdout == "" and out.stderr.strip().count("\n") == 0


def test_service_limit_error_is_one_line(ip):
    local_service(client_of(ip).sagemaker).configure(limits={"contexts": 1})
    ok(ip, "%lineage create context first T")
    out = run(ip, "%lineage create context second T")
    assert isinstance(out.error, ServiceError) and out.error.code == "ResourceLimitExceeded"
    one_line(out, "ServiceError")


def test_short_errors_false_shows_the_traceback(ip):
    ok(ip, "%config LineageMagics.short_errors = False")
    out = run(ip, "%lineage show nothing-here")
    assert isinstance(out.error, LineageError)
    assert "Traceback" in out.stdout and out.stdout.count("\n") > 5
    ok(ip, "%config LineageMagics.short_errors = True")
    one_line(run(ip, "%lineage show nothing-here"), type(out.error).__name__)


def test_no_region_is_a_hint(ip, no_aws):
    out = run(ip, "%lineage use sagemaker://")
    assert "no AWS region" in one_line(out)


def test_no_credentials_is_a_hint(ip, no_aws):
    ok(ip, "%lineage use sagemaker://us-east-1")
    out = run(ip, "%lineage list contexts")
    assert "no AWS credentials" in one_line(out)


@pytest.mark.slow
def test_unreachable_endpoint_is_a_hint(ip, no_aws):
    ok(ip, "%lineage use http://127.0.0.1:9")
    out = run(ip, "%lineage list contexts")
    assert "127.0.0.1:9" in one_line(out)


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "nope"}}, "ListContexts")


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (_client_error("AccessDeniedException"), "sagemaker lineage permissions"),
        (_client_error("ThrottlingException"), "throttled"),
        (_client_error("ExpiredTokenException"), "expired"),
        (_client_error("ValidationException"), "ListContexts failed (ValidationException): nope"),
        (NoCredentialsError(), "no AWS credentials"),
        (NoRegionError(), "no AWS region"),
        (EndpointConnectionError(endpoint_url="http://h:1"), "cannot reach http://h:1"),
        (ProfileNotFound(profile="nope"), "check the ?profile= of the URL"),
    ],
)
def test_botocore_errors_map_to_hints(exc, words):
    mapped = map_error(exc)
    assert isinstance(mapped, LineageError) and words in str(mapped)
    assert mapped._render_traceback_()[0].count("\n") == 0


def test_other_errors_are_not_mapped():
    assert map_error(ValueError("x")) is None
    plain = ServiceError("plain", "ValidationException")
    assert map_error(plain) is plain  # already one line: passed through unchanged


def test_a_missing_profile_shows_the_hint(ip, no_aws):
    out = run(ip, "%lineage use sagemaker://us-east-1?profile=missing-profile-xyz")
    line = one_line(out)
    assert "missing-profile-xyz" in line and "check the ?profile= of the URL" in line


def test_a_service_error_through_the_client_carries_its_hint(ip, no_aws, monkeypatch):
    from botocore.exceptions import ClientError as _CE

    m = ip.magics_manager.registry["LineageMagics"]

    def refuse(**_):
        raise _CE({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListContexts")

    monkeypatch.setattr(m.client.sagemaker, "list_contexts", refuse)
    assert "sagemaker lineage permissions" in one_line(run(ip, "%lineage list contexts"), "ServiceError")


def test_track_user_error_is_not_mapped(ip):
    out = run(
        ip,
        "%%lineage track boto-fail\nfrom botocore.exceptions import NoRegionError\nraise NoRegionError()\n",
    )
    assert type(out.error).__name__ == "NoRegionError"


def test_store_that_cannot_be_opened_is_one_line(ip, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = run(ip, f"%lineage use sqlite:///{blocker}/sub/x.db")
    assert "cannot open sqlite:///" in one_line(out)
    assert ip.magics_manager.registry["LineageMagics"].url == "memory://"
