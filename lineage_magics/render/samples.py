"""Sample lineage graphs for documentation, demos and benchmarks (built in memory, no service)."""

from __future__ import annotations

import hashlib
import random

from ..graph import Edge, LineageGraph, Vertex, breadth_first

ACCOUNT = "arn:aws:sagemaker:us-east-1:000000000000"
EXAMPLES = "https://sagemaker-example-files-prod-us-east-1.s3.amazonaws.com/datasets/image/MNIST"


def arn(kind: str, name: str) -> str:
    """A SageMaker ARN; artifacts are named by a hash of their source URI, as SageMaker does."""
    if kind == "artifact":
        name = hashlib.md5(name.encode("utf-8")).hexdigest()  # noqa: S324 - an identifier, not security
    return f"{ACCOUNT}:{kind}/{name}"


def _artifact(name: str, type_: str, uri: str, **props: str) -> Vertex:
    return Vertex(arn("artifact", uri), "Artifact", type_, name, uri, dict(props))


def with_depths(vertices: list[Vertex], edges: list[Edge], start: str, **kwargs) -> LineageGraph:
    """A graph whose vertex order and depths are those of a breadth-first trace from ``start``."""
    adj: dict[str, list[str]] = {v.arn: [] for v in vertices}
    for e in edges:
        adj[e.source].append(e.destination)
        adj[e.destination].append(e.source)
    depth = {
        a: hops
        for a, (hops, _) in breadth_first([(start, None)], lambda a, _: ((b, None) for b in adj[a])).items()
    }
    order = {a: i for i, a in enumerate(depth)}
    ranked = sorted(vertices, key=lambda v: order.get(v.arn, len(order)))
    for v in ranked:
        v.depth = depth.get(v.arn)
    return LineageGraph(ranked, edges, start, direction="both", **kwargs)


def mnist_workflow() -> LineageGraph:
    """The 12-vertex MNIST workflow of the SageMaker lineage documentation, traced from its context."""
    uid = "1700000000"
    ctx = Vertex(
        arn("context", "mnist-workflow"), "Context", "MLWorkflow", "mnist-workflow", uid, {"example": "true"}
    )
    images = _artifact("mnist-test-images", "TestData", f"{EXAMPLES}/t10k-images-idx3-ubyte.gz")
    labels = _artifact("mnist-test-labels", "TestLabels", f"{EXAMPLES}/t10k-labels-idx1-ubyte.gz")
    build = Vertex(
        arn("action", f"model-build-step-{uid}"),
        "Action",
        "ModelBuild",
        f"model-build-step-{uid}",
        uid,
        {"Example": "Metadata"},
    )
    model = _artifact(
        "mnist-model", "Model", f"{EXAMPLES}/model/tensorflow-training-2020-11-20-23-57-13-077/model.tar.gz"
    )
    train_image = _artifact(
        "tensorflow-training",
        "Image",
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.3.1-cpu-py37",
    )
    job = Vertex(
        arn("experiment-trial-component", "tensorflow-training-2020-11-20-23-57-13-077-aws-training-job"),
        "TrialComponent",
        "SageMakerTrainingJob",
        "tensorflow-training-2020-11-20-23-57-13-077-aws-training-job",
        None,
        {"instance_type": "ml.c5.xlarge", "epochs": "10"},
    )
    deploy = Vertex(
        arn("action", "mnist-model-deployment"), "Action", "ModelDeployment", "mnist-model-deployment", None
    )
    serve_image = _artifact(
        "tensorflow-inference",
        "Image",
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.3.1-cpu",
    )
    endpoint = Vertex(
        arn("context", "mnist-endpoint"),
        "Context",
        "Endpoint",
        "mnist-endpoint",
        f"{ACCOUNT}:endpoint/mnist-endpoint",
    )
    int8 = _artifact(
        "mnist-model-int8", "Model", "s3://sagemaker-us-east-1-000000000000/mnist/int8/model.tar.gz"
    )
    copy = _artifact(
        "mnist-test-images-copy",
        "TestData",
        "s3://sagemaker-us-east-1-000000000000/mnist/t10k-images-idx3-ubyte.gz",
    )
    vertices = [
        ctx,
        images,
        labels,
        build,
        model,
        train_image,
        job,
        deploy,
        serve_image,
        endpoint,
        int8,
        copy,
    ]
    edges = [
        Edge(ctx.arn, images.arn, "AssociatedWith"),
        Edge(ctx.arn, labels.arn, "AssociatedWith"),
        Edge(ctx.arn, build.arn, "AssociatedWith"),
        Edge(ctx.arn, model.arn, "AssociatedWith"),
        Edge(images.arn, build.arn, "ContributedTo"),
        Edge(labels.arn, build.arn, "ContributedTo"),
        Edge(train_image.arn, build.arn, "ContributedTo"),
        Edge(build.arn, model.arn, "Produced"),
        Edge(build.arn, job.arn, "AssociatedWith"),
        Edge(model.arn, deploy.arn, "ContributedTo"),
        Edge(serve_image.arn, deploy.arn, "ContributedTo"),
        Edge(deploy.arn, endpoint.arn, "AssociatedWith"),
        Edge(int8.arn, model.arn, "DerivedFrom"),
        Edge(copy.arn, images.arn, "SameAs"),
    ]
    return with_depths(vertices, edges, ctx.arn, depth=3, name="mnist-workflow")


def job_graph(n: int, seed: int = 0, start: str | None = None) -> LineageGraph:
    """``n`` vertices shaped like SageMaker job lineage: raw data -> processing -> training -> model ->
    deployment -> endpoint, pipelines sharing raw data, images and endpoints (fan-in), traced from
    the vertex named ``start`` (default: the first raw data set)."""
    rng = random.Random(seed)
    vertices: list[Vertex] = []
    edges: list[Edge] = []
    bucket = "s3://sagemaker-us-east-1-000000000000"

    def add(v: Vertex) -> Vertex | None:
        if len(vertices) >= n:
            return None
        vertices.append(v)
        return v

    def link(a: Vertex | None, b: Vertex | None, t: str) -> None:
        if a is not None and b is not None:
            edges.append(Edge(a.arn, b.arn, t))

    raw = [
        add(_artifact(f"raw-{i}", "DataSet", f"{bucket}/raw/dataset-{i}/")) for i in range(max(2, n // 25))
    ]
    images = [
        add(
            _artifact(
                f"xgboost-{i}", "Image", f"683313688378.dkr.ecr.us-east-1.amazonaws.com/xgboost:1.{i}-1"
            )
        )
        for i in range(max(1, n // 100))
    ]
    endpoints: list[Vertex | None] = []
    j = 0
    while len(vertices) < n:
        proc = add(
            Vertex(
                arn("experiment-trial-component", f"processing-{j}"),
                "TrialComponent",
                "SageMakerProcessingJob",
                f"processing-{j}",
            )
        )
        for r in rng.sample(raw, k=min(len(raw), rng.randint(1, 3))):
            link(r, proc, "ContributedTo")
        data = add(_artifact(f"features-{j}", "DataSet", f"{bucket}/features/{j}/"))
        link(proc, data, "Produced")
        train = add(
            Vertex(
                arn("experiment-trial-component", f"training-{j}"),
                "TrialComponent",
                "SageMakerTrainingJob",
                f"training-{j}",
                None,
                {"max_depth": str(rng.randint(3, 9))},
            )
        )
        link(data, train, "ContributedTo")
        link(rng.choice(images), train, "ContributedTo")
        model = add(_artifact(f"model-{j}", "Model", f"{bucket}/models/{j}/model.tar.gz"))
        link(train, model, "Produced")
        deploy = add(Vertex(arn("action", f"deploy-{j}"), "Action", "ModelDeployment", f"deploy-{j}"))
        link(model, deploy, "ContributedTo")
        if not endpoints or rng.random() < 0.3:
            endpoints.append(
                add(
                    Vertex(
                        arn("context", f"endpoint-{len(endpoints)}"),
                        "Context",
                        "Endpoint",
                        f"endpoint-{len(endpoints)}",
                    )
                )
            )
        link(deploy, endpoints[-1], "AssociatedWith")
        j += 1
    origin = next((v for v in vertices if v.name == start), vertices[0])
    return with_depths(vertices, edges, origin.arn, name=f"job-graph-{n}")
