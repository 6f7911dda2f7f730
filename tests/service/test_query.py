"""QueryLineage on a graph with known answers.

data1 --ContributedTo--> train --Produced--> model --ContributedTo--> deploy --AssociatedWith--> endpoint
data2 --ContributedTo--> train                image --ContributedTo--> deploy
image --ContributedTo--> deploy2 --AssociatedWith--> endpoint2      (a sibling through the image)
"""

from __future__ import annotations

import datetime as dt
import time

import pytest


@pytest.fixture
def g(b, u):
    n = {}
    n["data1"] = b.artifact(f"s3://{u}/d1", "DataSet", Properties={"stage": "raw"})
    n["data2"] = b.artifact(f"s3://{u}/d2", "DataSet", Properties={"stage": "clean"})
    n["train"] = b.action(f"{u}-train", "TrainingJob")
    n["model"] = b.artifact(f"s3://{u}/model", "Model")
    n["image"] = b.artifact(f"ecr://{u}/image", "Image")
    n["deploy"] = b.action(f"{u}-deploy", "ModelDeployment")
    n["endpoint"] = b.context(f"{u}-endpoint", "Endpoint")
    n["deploy2"] = b.action(f"{u}-deploy2", "ModelDeployment")
    n["endpoint2"] = b.context(f"{u}-endpoint2", "Endpoint")
    b.link(n["data1"], n["train"], "ContributedTo")
    b.link(n["data2"], n["train"], "ContributedTo")
    b.link(n["train"], n["model"], "Produced")
    b.link(n["model"], n["deploy"], "ContributedTo")
    b.link(n["image"], n["deploy"], "ContributedTo")
    b.link(n["deploy"], n["endpoint"], "AssociatedWith")
    b.link(n["image"], n["deploy2"], "ContributedTo")
    b.link(n["deploy2"], n["endpoint2"], "AssociatedWith")
    n["name_of"] = {v: k for k, v in n.items() if isinstance(v, str)}
    return n


def names(g, response):
    return [g["name_of"][v["Arn"]] for v in response["Vertices"]]


def query(sm, start, **kw):
    kw.setdefault("IncludeEdges", False)
    return sm.query_lineage(StartArns=[start], **kw)


def test_ascendants(sm, g):
    out = query(sm, g["model"], Direction="Ascendants", MaxDepth=10)
    assert names(g, out) == ["model", "train", "data1", "data2"]
    assert out["Vertices"][0] == {"Arn": g["model"], "Type": "Model", "LineageType": "Artifact"}
    assert "Edges" not in out or out["Edges"] == []


def test_descendants(sm, g):
    out = query(sm, g["model"], Direction="Descendants", MaxDepth=10)
    assert names(g, out) == ["model", "deploy", "endpoint"]


def test_both_is_undirected_reachability(sm, g):
    out = query(sm, g["model"], Direction="Both", MaxDepth=10)
    assert set(names(g, out)) == {"model", "train", "data1", "data2", "deploy", "image", "endpoint", "deploy2",
                                  "endpoint2"}  # fmt: skip
    assert "deploy2" in names(g, out)  # a sibling through the shared image: not Ascendants + Descendants


def test_depth(sm, g):
    assert names(g, query(sm, g["model"], Direction="Both", MaxDepth=1)) == ["model", "train", "deploy"]
    assert set(names(g, query(sm, g["model"], Direction="Both", MaxDepth=2))) == {
        "model", "train", "deploy", "data1", "data2", "image", "endpoint"}  # fmt: skip
    assert names(g, query(sm, g["model"], Direction="Descendants", MaxDepth=0)) == ["model"]


def test_filters_select_vertices_not_the_walk(sm, g):
    out = query(sm, g["endpoint"], Direction="Ascendants", Filters={"LineageTypes": ["Artifact"]})
    assert set(names(g, out)) == {"model", "image", "data1", "data2"}  # walked through the actions
    out = query(sm, g["endpoint"], Direction="Ascendants", Filters={"Types": ["DataSet"]})
    assert set(names(g, out)) == {"data1", "data2"}
    out = query(
        sm, g["model"], Direction="Descendants", Filters={"LineageTypes": ["Artifact"], "Types": ["DataSet"]}
    )
    assert names(g, out) == []


def edge_names(g, response):
    return {(g["name_of"][e["SourceArn"]], g["name_of"][e["DestinationArn"]]) for e in response["Edges"]}


def test_filters_with_edges_also_return_the_entities_on_the_paths(sm, g):
    # "retrieves not only the entities of interest but also the Associations and lineage entities on the path"
    out = query(sm, g["endpoint"], Direction="Ascendants", Filters={"Types": ["DataSet"]}, IncludeEdges=True)
    assert set(names(g, out)) == {"endpoint", "deploy", "model", "train", "data1", "data2"}  # not the image
    assert edge_names(g, out) == {
        ("deploy", "endpoint"), ("model", "deploy"), ("train", "model"), ("data1", "train"), ("data2", "train")
    }  # fmt: skip
    out = query(sm, g["model"], Direction="Both", Filters={"Types": ["Endpoint"]}, IncludeEdges=True)
    assert set(names(g, out)) == {"model", "deploy", "endpoint", "image", "deploy2", "endpoint2"}
    returned = {v["Arn"] for v in out["Vertices"]}
    assert all(e["SourceArn"] in returned and e["DestinationArn"] in returned for e in out["Edges"])
    assert names(g, query(sm, g["model"], Direction="Descendants", Filters={"Types": ["DataSet"]},
                          IncludeEdges=True)) == []  # fmt: skip


def test_property_filters_are_ored(sm, g):
    out = query(sm, g["model"], Direction="Ascendants", Filters={"Properties": {"stage": "raw"}})
    assert names(g, out) == ["data1"]
    out = query(
        sm, g["model"], Direction="Ascendants", Filters={"Properties": {"stage": "raw", "x": "clean"}}
    )
    assert names(g, out) == ["data1"]
    both = {"Properties": {"stage": "clean", "other": "v"}}
    assert names(g, query(sm, g["model"], Direction="Ascendants", Filters=both)) == ["data2"]


def test_time_filters(sm, g):
    past = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    everything = {"endpoint", "deploy", "model", "image", "train", "data1", "data2"}
    for filters, expected in (
        ({"CreatedAfter": past}, everything),
        ({"CreatedBefore": future, "ModifiedAfter": past}, everything),
        ({"CreatedAfter": future}, set()),
        ({"CreatedBefore": past}, set()),
        ({"ModifiedBefore": past}, set()),
    ):
        assert set(names(g, query(sm, g["endpoint"], Direction="Ascendants", Filters=filters))) == expected
    time.sleep(0.01)
    sm.update_artifact(ArtifactArn=g["data1"], Properties={"stage": "raw2"})
    modified = sm.describe_artifact(ArtifactArn=g["data1"])["LastModifiedTime"]
    recent = query(sm, g["endpoint"], Direction="Ascendants", Filters={"ModifiedAfter": modified})
    assert names(g, recent) == ["data1"]
    created = sm.describe_artifact(ArtifactArn=g["data1"])["CreationTime"]
    assert created < modified
    assert "data1" in names(
        g, query(sm, g["model"], Direction="Ascendants", Filters={"CreatedBefore": created})
    )


def test_include_edges(sm, g):
    out = query(sm, g["model"], Direction="Ascendants", IncludeEdges=True)
    edges = {(e["SourceArn"], e["DestinationArn"], e.get("AssociationType")) for e in out["Edges"]}
    assert edges == {
        (g["train"], g["model"], "Produced"),
        (g["data1"], g["train"], "ContributedTo"),
        (g["data2"], g["train"], "ContributedTo"),
    }


def test_pages(sm, b, u):
    hub = b.action(f"{u}-hub")
    arts = [b.artifact(f"s3://{u}/{i}") for i in range(120)]
    for arn in arts:
        b.link(arn, hub)
    seen, edges, token, pages = [], [], None, 0
    while True:
        kw = {"NextToken": token} if token else {}
        out = sm.query_lineage(StartArns=[hub], Direction="Ascendants", IncludeEdges=True, **kw)
        pages += 1
        assert len(out["Vertices"]) <= 50
        seen += [v["Arn"] for v in out["Vertices"]]
        edges += out["Edges"]
        token = out.get("NextToken")
        if not token:
            break
    assert pages == 3 and len(seen) == 121 == len(set(seen)) and len(edges) == 120
    small = sm.query_lineage(StartArns=[hub], Direction="Ascendants", MaxResults=7)
    assert len(small["Vertices"]) == 7 and small["NextToken"]


def test_errors(sm, b, u, g):
    code, message = b.error(sm.query_lineage, StartArns=[g["model"], g["train"]], Direction="Both")
    assert code == "ValidationException"
    assert (
        "at 'startArns' failed to satisfy constraint: Member must have length less than or equal to 1"
        in message
    )
    code, message = b.error(sm.query_lineage, StartArns=[g["model"]], MaxDepth=11)
    assert code == "ValidationException" and "Member must have value less than or equal to 10" in message
    code, message = b.error(sm.query_lineage, StartArns=[g["model"]], MaxResults=51)
    assert code == "ValidationException" and "at 'maxResults'" in message
    code, message = b.error(sm.query_lineage, StartArns=[g["model"]], Direction="Up")
    assert code == "ValidationException" and "[Both, Ascendants, Descendants]" in message
    code, message = b.error(sm.query_lineage, StartArns=[g["model"]], Filters={"Types": list("abcdef")})
    assert code == "ValidationException" and "at 'filters.types'" in message
    code, message = b.error(sm.query_lineage, StartArns=[g["model"]], Filters={"LineageTypes": ["Trial"]})
    assert code == "ValidationException" and "filters.lineageTypes.1.member" in message
    assert b.error(sm.query_lineage, StartArns=[])[0] == "ValidationException"
    assert b.error(sm.query_lineage, Direction="Both")[0] == "ValidationException"
    ghost = f"arn:aws:sagemaker:us-east-1:000000000000:action/{u}-ghost"
    assert b.error(sm.query_lineage, StartArns=[ghost])[0] == "ResourceNotFound"
    code, message = b.error(sm.query_lineage, StartArns=[g["model"]], NextToken="garbage")
    assert code == "ValidationException" and "NextToken" in message
