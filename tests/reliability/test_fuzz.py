"""Hypothesis drives every operation family through a real boto3 client with arbitrary inputs.

The service may answer, or refuse with a modeled error or ValidationException (botocore may refuse
client-side with ParamValidationError); nothing else: no InternalFailure, no Python exception
escaping the in-process hook, no hang (a per-example deadline), no traceback over HTTP.
The ``reliability`` profile is derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError, ParamValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage_magics import connect

from ._shapes import allowed_errors, request

settings.register_profile(
    "reliability",
    derandomize=True,
    database=None,
    deadline=dt.timedelta(seconds=5),  # a hang fails the example
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

FAMILIES = {
    "contexts": ["CreateContext", "DescribeContext", "UpdateContext", "DeleteContext", "ListContexts"],
    "actions": ["CreateAction", "DescribeAction", "UpdateAction", "DeleteAction", "ListActions"],
    "artifacts": ["CreateArtifact", "DescribeArtifact", "UpdateArtifact", "DeleteArtifact", "ListArtifacts"],
    "associations": ["AddAssociation", "DeleteAssociation", "ListAssociations"],
    "query": ["QueryLineage"],
    "tags": ["AddTags", "ListTags", "DeleteTags"],
    "experiments": [
        "CreateExperiment", "DescribeExperiment", "UpdateExperiment", "DeleteExperiment", "ListExperiments",
        "CreateTrial", "DescribeTrial", "UpdateTrial", "DeleteTrial", "ListTrials",
        "CreateTrialComponent", "DescribeTrialComponent", "UpdateTrialComponent", "DeleteTrialComponent",
        "ListTrialComponents", "AssociateTrialComponent", "DisassociateTrialComponent",
    ],
}  # fmt: skip


def seed(sm) -> list[str]:
    """A few real entities, so generated names and ARNs sometimes hit something."""
    ctx = sm.create_context(ContextName="ctx", ContextType="T", Source={"SourceUri": "u://c"})["ContextArn"]
    act = sm.create_action(ActionName="act", ActionType="T", Source={"SourceUri": "u://a"})["ActionArn"]
    art = sm.create_artifact(ArtifactType="T", Source={"SourceUri": "s3://b/x"})["ArtifactArn"]
    sm.add_association(SourceArn=ctx, DestinationArn=act)
    sm.add_association(SourceArn=art, DestinationArn=act)
    exp = sm.create_experiment(ExperimentName="exp")["ExperimentArn"]
    trial = sm.create_trial(TrialName="trial", ExperimentName="exp")["TrialArn"]
    tc = sm.create_trial_component(TrialComponentName="tc")["TrialComponentArn"]
    sm.associate_trial_component(TrialComponentName="tc", TrialName="trial")
    return [ctx, act, art, exp, trial, tc, "ctx", "act", "exp", "trial", "tc", "s3://b/x"]


def check(sm, operation: str, params: dict) -> str:
    """Call; return the outcome ("ok", an error code, or "client-side"); fail on anything unmodeled."""
    try:
        getattr(sm, xform_name(operation))(**params)
        return "ok"
    except ParamValidationError:
        return "client-side"
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code == "SerializationException":  # only for text that is not Unicode (a lone surrogate)
            assert not _unicode(params), (operation, exc.response["Error"].get("Message"))
            return code
        assert code in allowed_errors(operation), (operation, code, exc.response["Error"].get("Message"))
        return code


def _unicode(params: dict) -> bool:
    """Whether every string in ``params`` is Unicode text (no lone surrogates)."""
    try:
        json.dumps(params, ensure_ascii=False, default=str).encode()
        return True
    except UnicodeEncodeError:
        return False


@pytest.fixture(scope="module")
def local():
    sm = connect("memory://")
    return sm, seed(sm)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_fuzz_in_process(local, family):
    sm, known = local
    outcomes: dict[str, int] = {}
    operations = FAMILIES[family]

    @settings(settings.get_profile("reliability"))
    @given(st.sampled_from(operations).flatmap(lambda op: st.tuples(st.just(op), request(op, known))))
    def run(case):
        outcome = check(sm, *case)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    run()
    assert sum(outcomes.values()) >= 300
    assert outcomes.get("ok", 0) > 0 and outcomes.get("ValidationException", 0) > 0, outcomes


@pytest.fixture(scope="module")
def remote(session_servers):
    """``lineage serve`` with SigV4 verification on, and a boto3 client holding its key."""
    server = session_servers("--access-key", "AKIDFUZZ:fuzz-secret")
    sm = server.client("AKIDFUZZ", "fuzz-secret", retries={"total_max_attempts": 1})
    bodies: list[tuple[int, bytes]] = []

    def keep(http_response, **kwargs):
        bodies.append((http_response.status_code, http_response.content))

    sm.meta.events.register("after-call.sagemaker.*", keep)
    yield sm, seed(sm), bodies
    code, err = server.stop()
    assert code == 0 and "Traceback" not in err


@pytest.mark.parametrize("family", list(FAMILIES))
def test_fuzz_over_http(remote, family):
    sm, known, bodies = remote
    bodies.clear()

    @settings(settings.get_profile("reliability"), max_examples=60)
    @given(st.sampled_from(FAMILIES[family]).flatmap(lambda op: st.tuples(st.just(op), request(op, known))))
    def run(case):
        check(sm, *case)

    run()
    assert len(bodies) > 20
    for status, body in bodies:
        assert status < 500, body[:300]
        assert b"Traceback" not in body and b'File "' not in body
