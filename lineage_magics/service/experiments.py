"""Experiments, Trials and TrialComponents, and trial membership.

Names are unique case-insensitively. A trial needs its experiment; an experiment with trials, a
trial with trial components and a trial component still in a trial cannot be deleted. A trial
component's vertex Type follows SageMaker's job naming (``component_type``).
"""

from __future__ import annotations

from .common import (
    COMPONENT,
    EXPERIMENT,
    TRIAL,
    Entity,
    Txn,
    compact,
    entity_page,
    lineage_doc,
    name_key,
)
from .errors import not_found, validation
from .metrics import delete_metrics, summaries_of
from .tags import put_tags


def _create(t: Txn, kind: int, name: str, label: str) -> str:
    arn = t.arn(kind, name)
    existing = t.find(kind, name)
    if existing is not None:
        raise validation(f"{label} '{existing.arn}' already exists.")
    return arn


# Name suffixes of the trial components SageMaker creates for its jobs, and their vertex Type
JOB_SUFFIXES = {
    "-aws-training-job": "TrainingJob",
    "-aws-processing-job": "ProcessingJob",
    "-aws-transform-job": "TransformJob",
}


def component_type(name: str) -> str:
    """The vertex Type of a trial component: ``TrainingJob``, ``ProcessingJob`` or ``TransformJob``
    for SageMaker's ``<job>-aws-training-job`` (...) names, else ``ExperimentTrialComponent``.
    Associations show it prefixed with ``SageMaker``."""
    lowered = name.lower()
    for suffix, vertex_type in JOB_SUFFIXES.items():
        if lowered.endswith(suffix):
            return vertex_type
    return "ExperimentTrialComponent"


# Experiments ------------------------------------------------------------------------------------
def create_experiment(t: Txn, p: dict) -> dict:
    name = p["ExperimentName"]
    arn = _create(t, EXPERIMENT, name, "Experiment")
    entity_id = t.insert(
        EXPERIMENT,
        name=name,
        nkey=name_key(EXPERIMENT, name),
        arn=arn,
        type="Experiment",
        atype="SageMakerExperiment",
        doc=lineage_doc(p, "DisplayName", "Description"),
    )
    put_tags(t, entity_id, arn, p.get("Tags"))
    return {"ExperimentArn": arn}


def experiment_document(e: Entity) -> dict:
    """DescribeExperiment's answer (and, with Tags, the Search record) of an experiment."""
    return compact(
        {
            "ExperimentName": e.name,
            "ExperimentArn": e.arn,
            "DisplayName": e.doc.get("DisplayName", e.name),
            "Description": e.doc.get("Description"),
            "CreationTime": e.created,
            "LastModifiedTime": e.modified,
        }
    )


def describe_experiment(t: Txn, p: dict) -> dict:
    return experiment_document(t.get(EXPERIMENT, p["ExperimentName"]))


def update_experiment(t: Txn, p: dict) -> dict:
    e = t.get(EXPERIMENT, p["ExperimentName"])
    e.doc.update(lineage_doc(p, "DisplayName", "Description"))
    t.save_doc(e)
    return {"ExperimentArn": e.arn}


def delete_experiment(t: Txn, p: dict) -> dict:
    e = t.get(EXPERIMENT, p["ExperimentName"])
    trials = t.conn.execute("SELECT count(*) FROM entity WHERE parent = ?", (e.id,)).fetchone()[0]
    if trials:
        raise validation(
            f"Experiment '{e.arn}' has {trials} trial{'s' if trials != 1 else ''} and cannot be deleted. "
            "All trials associated with the experiment must be deleted first."
        )
    t.delete_entity(e)
    return {"ExperimentArn": e.arn}


def _experiment_summary(t: Txn, e: Entity) -> dict:
    return {
        "ExperimentArn": e.arn,
        "ExperimentName": e.name,
        "DisplayName": e.doc.get("DisplayName", e.name),
        "CreationTime": e.created,
        "LastModifiedTime": e.modified,
    }


# Trials -----------------------------------------------------------------------------------------
def create_trial(t: Txn, p: dict) -> dict:
    name = p["TrialName"]
    experiment = t.get(EXPERIMENT, p["ExperimentName"])
    arn = _create(t, TRIAL, name, "Trial")
    entity_id = t.insert(
        TRIAL,
        name=name,
        nkey=name_key(TRIAL, name),
        arn=arn,
        parent=experiment.id,
        doc=lineage_doc(p, "DisplayName", "MetadataProperties"),
    )
    put_tags(t, entity_id, arn, p.get("Tags"))
    return {"TrialArn": arn}


def trial_document(e: Entity, experiment_name: str | None) -> dict:
    """DescribeTrial's answer (the Search record without Tags and members) of a trial."""
    return compact(
        {
            "TrialName": e.name,
            "TrialArn": e.arn,
            "DisplayName": e.doc.get("DisplayName", e.name),
            "ExperimentName": experiment_name,
            "CreationTime": e.created,
            "LastModifiedTime": e.modified,
            "MetadataProperties": e.doc.get("MetadataProperties"),
        }
    )


def describe_trial(t: Txn, p: dict) -> dict:
    e = t.get(TRIAL, p["TrialName"])
    experiment = t.conn.execute("SELECT name FROM entity WHERE id = ?", (e.parent,)).fetchone()
    return trial_document(e, experiment[0] if experiment else None)


def update_trial(t: Txn, p: dict) -> dict:
    e = t.get(TRIAL, p["TrialName"])
    e.doc.update(lineage_doc(p, "DisplayName"))
    t.save_doc(e)
    return {"TrialArn": e.arn}


def delete_trial(t: Txn, p: dict) -> dict:
    e = t.get(TRIAL, p["TrialName"])
    members = t.conn.execute("SELECT count(*) FROM member WHERE trial = ?", (e.id,)).fetchone()[0]
    if members:
        raise validation(
            f"Trial '{e.arn}' has {members} trial component{'s' if members != 1 else ''} and cannot be "
            "deleted. All trial components that make up the trial must be disassociated or deleted first."
        )
    t.delete_entity(e)
    return {"TrialArn": e.arn}


def _trial_summary(t: Txn, e: Entity) -> dict:
    return {
        "TrialArn": e.arn,
        "TrialName": e.name,
        "DisplayName": e.doc.get("DisplayName", e.name),
        "CreationTime": e.created,
        "LastModifiedTime": e.modified,
    }


# Trial components -------------------------------------------------------------------------------
_COMPONENT_MEMBERS = ("DisplayName", "Status", "StartTime", "EndTime", "Parameters", "InputArtifacts",
                      "OutputArtifacts", "MetadataProperties")  # fmt: skip


def create_trial_component(t: Txn, p: dict) -> dict:
    name = p["TrialComponentName"]
    arn = _create(t, COMPONENT, name, "TrialComponent")
    vertex_type = component_type(name)
    entity_id = t.insert(
        COMPONENT,
        name=name,
        nkey=name_key(COMPONENT, name),
        arn=arn,
        type=vertex_type,
        atype="SageMaker" + vertex_type,
        status=(p.get("Status") or {}).get("PrimaryStatus"),
        doc=lineage_doc(p, *_COMPONENT_MEMBERS),
    )
    put_tags(t, entity_id, arn, p.get("Tags"))
    return {"TrialComponentArn": arn}


def component_document(e: Entity) -> dict:
    """DescribeTrialComponent's answer without Metrics (the Search record without Metrics, Tags, Parents)."""
    out = {
        "TrialComponentName": e.name,
        "TrialComponentArn": e.arn,
        "DisplayName": e.doc.get("DisplayName", e.name),
    }
    out.update({m: e.doc[m] for m in _COMPONENT_MEMBERS[1:] if e.doc.get(m)})
    out.update({"CreationTime": e.created, "LastModifiedTime": e.modified})
    if e.doc.get("Source"):
        out["Source"] = e.doc["Source"]
    return out


def describe_trial_component(t: Txn, p: dict) -> dict:
    e = t.get(COMPONENT, p["TrialComponentName"])
    out = component_document(e)
    metrics = summaries_of(t.conn, [e.id]).get(e.id)
    if metrics:
        out["Metrics"] = metrics
    return out


def _merge(current: dict | None, new: dict | None, remove: list | None) -> dict:
    merged = dict(current or {})
    merged.update(new or {})
    for key in remove or []:
        merged.pop(key, None)
    return merged


def update_trial_component(t: Txn, p: dict) -> dict:
    e = t.get(COMPONENT, p["TrialComponentName"])
    e.doc.update(lineage_doc(p, "DisplayName", "Status", "StartTime", "EndTime"))
    for member in ("Parameters", "InputArtifacts", "OutputArtifacts"):
        e.doc[member] = _merge(e.doc.get(member), p.get(member), p.get(member + "ToRemove"))
    t.save_doc(e, status=(e.doc.get("Status") or {}).get("PrimaryStatus"))
    return {"TrialComponentArn": e.arn}


def delete_trial_component(t: Txn, p: dict) -> dict:
    e = t.get(COMPONENT, p["TrialComponentName"])
    if t.conn.execute("SELECT 1 FROM member WHERE component = ? LIMIT 1", (e.id,)).fetchone():
        raise validation(f"TrialComponent '{e.arn}' is linked to 1 or more trials and cannot be deleted.")
    t.delete_entity(e)
    delete_metrics(t.conn, e.id)
    return {"TrialComponentArn": e.arn}


def _component_summary(t: Txn, e: Entity) -> dict:
    return compact(
        {
            "TrialComponentName": e.name,
            "TrialComponentArn": e.arn,
            "DisplayName": e.doc.get("DisplayName", e.name),
            "TrialComponentSource": e.doc.get("Source"),
            "Status": e.doc.get("Status"),
            "StartTime": e.doc.get("StartTime"),
            "EndTime": e.doc.get("EndTime"),
            "CreationTime": e.created,
            "LastModifiedTime": e.modified,
        }
    )


def associate_trial_component(t: Txn, p: dict) -> dict:
    component = t.get(COMPONENT, p["TrialComponentName"])
    trial = t.get(TRIAL, p["TrialName"])
    t.conn.execute(
        "INSERT OR IGNORE INTO member (trial, component, created) VALUES (?, ?, ?)",
        (trial.id, component.id, t.now),
    )
    return {"TrialComponentArn": component.arn, "TrialArn": trial.arn}


def disassociate_trial_component(t: Txn, p: dict) -> dict:
    component = t.get(COMPONENT, p["TrialComponentName"])
    trial = t.get(TRIAL, p["TrialName"])
    gone = t.conn.execute("DELETE FROM member WHERE trial = ? AND component = ?", (trial.id, component.id))
    if not gone.rowcount:
        raise not_found(f"TrialComponent '{component.arn}' is not associated with Trial '{trial.arn}'.")
    return {"TrialComponentArn": component.arn, "TrialArn": trial.arn}


# Lists ------------------------------------------------------------------------------------------
def _list(t: Txn, kind: int, p: dict, where: list[str], args: list, summary, result_key: str) -> dict:
    where = ["e.kind = ?", *where]
    args = [kind, *args]
    return entity_page(t, p, where=where, args=args, summary=summary, result_key=result_key, alias="e")


def list_experiments(t: Txn, p: dict) -> dict:
    return _list(t, EXPERIMENT, p, [], [], _experiment_summary, "ExperimentSummaries")


def list_trials(t: Txn, p: dict) -> dict:
    where, args = [], []
    if p.get("ExperimentName"):
        where.append("e.parent = ?")
        args.append(t.get(EXPERIMENT, p["ExperimentName"]).id)
    if p.get("TrialComponentName"):
        where.append("e.id IN (SELECT trial FROM member WHERE component = ?)")
        args.append(t.get(COMPONENT, p["TrialComponentName"]).id)
    return _list(t, TRIAL, p, where, args, _trial_summary, "TrialSummaries")


def list_trial_components(t: Txn, p: dict) -> dict:
    given = [m for m in ("ExperimentName", "TrialName", "SourceArn") if p.get(m)]
    if len(given) > 1:
        raise validation(
            f"Only one of ExperimentName, TrialName or SourceArn can be specified (got {', '.join(given)})."
        )
    where, args = [], []
    if p.get("ExperimentName"):
        where.append(
            "e.id IN (SELECT m.component FROM member m JOIN entity tr ON tr.id = m.trial WHERE tr.parent = ?)"
        )
        args.append(t.get(EXPERIMENT, p["ExperimentName"]).id)
    elif p.get("TrialName"):
        where.append("e.id IN (SELECT component FROM member WHERE trial = ?)")
        args.append(t.get(TRIAL, p["TrialName"]).id)
    elif p.get("SourceArn"):
        where.append("e.source_uri = ?")
        args.append(p["SourceArn"])
    return _list(t, COMPONENT, p, where, args, _component_summary, "TrialComponentSummaries")


HANDLERS = {
    "CreateExperiment": (create_experiment, True),
    "DescribeExperiment": (describe_experiment, False),
    "UpdateExperiment": (update_experiment, True),
    "DeleteExperiment": (delete_experiment, True),
    "ListExperiments": (list_experiments, False),
    "CreateTrial": (create_trial, True),
    "DescribeTrial": (describe_trial, False),
    "UpdateTrial": (update_trial, True),
    "DeleteTrial": (delete_trial, True),
    "ListTrials": (list_trials, False),
    "CreateTrialComponent": (create_trial_component, True),
    "DescribeTrialComponent": (describe_trial_component, False),
    "UpdateTrialComponent": (update_trial_component, True),
    "DeleteTrialComponent": (delete_trial_component, True),
    "ListTrialComponents": (list_trial_components, False),
    "AssociateTrialComponent": (associate_trial_component, True),
    "DisassociateTrialComponent": (disassociate_trial_component, True),
}
