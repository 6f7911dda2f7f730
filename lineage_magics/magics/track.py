"""``%%lineage track ACTION``: run the cell's Python and record it as an Action with its inputs and outputs.

The Action goes InProgress before the code runs, then Completed, or Failed with the error in its ``error``
property; properties ``start_time``, ``end_time``, ``duration_seconds`` and ``code_sha256`` (of the code
without trailing whitespace) record the run. Inputs are linked input -> action (ContributedTo), outputs
action -> output (Produced). An input or output is a ref to an existing entity, a URI, or a local path
(an artifact ``file:///abs/path``; a file's has an MD5Hash source type). A new artifact is named after
its file (``model.pkl`` -> ``model-pkl``); an existing one (same Source) is used as it is. The cell
runs in the user namespace like a normal cell; its exception reaches the user after recording.

``--experiment E [--run R]`` also records the cell as run R of experiment E exactly as the SageMaker
SDK's ``Run`` does (experiment ``e``, trial ``Default-Run-Group-e``, trial component ``e-r``, all
lower case, tagged ``sagemaker:trial-component-source=run``), so ``load_run``, ``list_runs``,
``ExperimentAnalytics`` and ``%lineage runs E`` see it: its status, start and end time, the inputs and
outputs as its input and output artifacts. The run defaults to
the action's name; the action is then linked to the run (AssociatedWith). Without ACTION only the run
is recorded, its inputs and outputs linked to it as the SDK links logged files.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from IPython.core.error import UsageError

from ..errors import LineageError, NotFoundError
from .dsl import name_problem
from .parsing import add_var_option
from .registry import Verb

ERROR_MAX = 2500
NAME_MAX = 120  # SageMaker's artifact names: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}


def artifact_name(path_or_uri: str) -> str | None:
    """A valid ArtifactName from the last segment of a path or URI (``model.pkl`` -> ``model-pkl``)."""
    last = path_or_uri.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    name = re.sub(r"[^a-zA-Z0-9]+", "-", last).strip("-")
    return name[:NAME_MAX].rstrip("-") or None


@dataclass
class Endpoint:
    """An input or output as given, and what it turned out to be: an ARN, a URI, or a local file."""

    given: str
    arn: str | None = None
    uri: str | None = None
    path: str | None = None


def build(p) -> None:
    p.add_argument(
        "action",
        metavar="ACTION",
        nargs="?",
        help="the action's name (created if missing; optional with --experiment)",
    )
    p.add_argument(
        "--experiment", metavar="E", help="also record the cell as a run of experiment E (as the SDK's Run)"
    )
    p.add_argument("--run", metavar="R", help="the run's name (default: the action's name)")
    p.add_argument(
        "--type", default="NotebookCell", metavar="T", help="the action type (default NotebookCell)"
    )
    p.add_argument("--context", metavar="C", help="link context C -> the action (AssociatedWith)")
    p.add_argument(
        "--input",
        dest="inputs",
        nargs="+",
        action="extend",
        default=[],
        metavar="REF_OR_URI",
        help="an input: entity ref, URI or local path (-> action, ContributedTo)",
    )
    p.add_argument(
        "--output",
        dest="outputs",
        nargs="+",
        action="extend",
        default=[],
        metavar="REF_OR_URI",
        help="an output: entity ref, URI or local path (action ->, Produced)",
    )
    p.add_argument(
        "--input-type", default="DataSet", metavar="T", help="artifact type of new inputs (DataSet)"
    )
    p.add_argument(
        "--output-type", default="DataSet", metavar="T", help="artifact type of new outputs (DataSet)"
    )
    add_var_option(p, "the recorded action (the Entity); the cell's last value is then not shown")


def md5_of(path: str) -> str:
    """The MD5 hex digest of a file's bytes."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _locate(client, given: str, *, output: bool) -> Endpoint:
    """Decide what an input/output is, without writing: a local path, a URI, or an existing entity."""
    path = os.path.abspath(os.path.expanduser(given))
    if os.path.exists(path):
        return Endpoint(given, path=path)
    if "://" in given:
        return Endpoint(given, uri=given)
    try:
        return Endpoint(given, arn=client.resolve(given))
    except NotFoundError:
        if output and (os.sep in given or "." in given):
            return Endpoint(given, path=path)  # a file the cell is to write
        raise


def _arn(client, end: Endpoint, artifact_type: str) -> str:
    """The ARN of an endpoint, creating its artifact when it is a URI or a file (idempotently)."""
    if end.arn:
        return end.arn
    if end.path:
        if not os.path.exists(end.path):
            raise LineageError(f"output {end.given!r} does not exist after the cell ran")
        uri = f"file://{end.path}"
        name = artifact_name(end.path)
        if os.path.isdir(end.path):  # a directory: its URI only
            return client.ensure_artifact(uri, artifact_type, name).arn
        source_types = [{"SourceIdType": "MD5Hash", "Value": md5_of(end.path)}]
        return client.ensure_artifact(uri, artifact_type, name, source_types=source_types).arn
    return client.ensure_artifact(end.uri, artifact_type, artifact_name(end.uri)).arn


def compile_cell(shell, cell: str):
    """The cell as (exec code, eval code of a trailing expression or None, its file name), the way
    IPython compiles cells: the file name carries the cell's number, so tracebacks say ``Cell In[N]``."""
    source = shell.transform_cell(cell)
    tree = shell.compile.ast_parse(source)
    tree = shell.transform_ast(tree)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    filename = shell.compile.cache(source, _cell_number(shell), raw_code=cell)
    body = shell.compile(tree, filename, "exec")
    tail = shell.compile(last, filename, "eval") if last is not None else None
    return body, tail, filename


def _cell_number(shell) -> int:
    """The number of the notebook cell running this magic (IPython has counted past it by now): read
    from the label IPython gives the cell's own code, the nearest caller it knows."""
    frame = inspect.currentframe()
    while frame is not None:
        label = shell.compile.format_code_name(frame.f_code.co_filename)
        found = re.fullmatch(r"In\[(\d+)\]", label[1]) if label else None
        if found:
            return int(found.group(1))
        frame = frame.f_back
    return shell.execution_count


def _as_if_untracked(shell, error: BaseException, filename: str) -> None:
    """Show ``error`` as the cell would have without the magic: from the user's first frame on, not
    through IPython's magic call and this package's frames."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    if tb is None or shell is None:
        return

    def render() -> list[str]:
        return shell.InteractiveTB.structured_traceback(type(error), error, tb)

    try:
        error._render_traceback_ = render  # IPython shows this instead of the whole chain
    except AttributeError:  # an exception type without instance attributes: shown as usual
        pass


def code_hash(cell: str) -> str:
    """sha256 hex digest of the cell's code, trailing whitespace removed (IPython may add a newline)."""
    return hashlib.sha256(cell.rstrip().encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


RUN_TAG = {"Key": "sagemaker:trial-component-source", "Value": "run"}  # the SDK's mark of a Run


class RunRecord:
    """The trial component of ``--experiment E --run R``, named and placed as the SDK's ``Run`` does."""

    def __init__(self, sagemaker, experiment: str, run: str):
        self.sm = sagemaker
        self.experiment = experiment.lower()
        self.trial = f"Default-Run-Group-{self.experiment}"[:NAME_MAX]
        self.name = f"{self.experiment}-{run.lower()}"
        self.arn: str | None = None

    def _exists(self, call, **kw) -> bool:
        try:
            call(**kw)
            return True
        except Exception as exc:  # noqa: BLE001 - only a missing entity is expected
            if getattr(exc, "response", {}).get("Error", {}).get("Code") == "ResourceNotFound":
                return False
            raise

    def start(self) -> None:
        sm = self.sm
        if not self._exists(sm.describe_experiment, ExperimentName=self.experiment):
            sm.create_experiment(ExperimentName=self.experiment)
        if not self._exists(sm.describe_trial, TrialName=self.trial):
            sm.create_trial(TrialName=self.trial, ExperimentName=self.experiment)
        if not self._exists(sm.describe_trial_component, TrialComponentName=self.name):
            sm.create_trial_component(TrialComponentName=self.name, Tags=[RUN_TAG])
        sm.associate_trial_component(TrialComponentName=self.name, TrialName=self.trial)
        self.arn = sm.describe_trial_component(TrialComponentName=self.name)["TrialComponentArn"]
        sm.update_trial_component(
            TrialComponentName=self.name,
            Status={"PrimaryStatus": "InProgress", "Message": "Within a %%lineage track cell"},
            StartTime=datetime.now(timezone.utc),
        )

    def finish(self, status: str, message: str | None, inputs: list, outputs: list) -> None:
        def artifacts(ends: list) -> dict:
            return {artifact_name(e.uri or e.path or e.given) or "artifact": {"Value": e.uri or
                    (f"file://{e.path}" if e.path else e.given)} for e in ends}  # fmt: skip

        state = {"PrimaryStatus": status}
        if message:
            state["Message"] = message[:1024]
        self.sm.update_trial_component(
            TrialComponentName=self.name,
            Status=state,
            EndTime=datetime.now(timezone.utc),
            InputArtifacts=artifacts(inputs),
            OutputArtifacts=artifacts(outputs) if status == "Completed" else {},
        )


def run(m, args, cell):
    if args.action is None and not args.experiment:
        raise UsageError("%%lineage track: name the ACTION, or record a run with --experiment E [--run R]")
    if args.run and not args.experiment:
        raise UsageError("%%lineage track: --run needs --experiment")
    for value, noun, rule in ((args.action, "action", "action"), (args.experiment, "experiment", "experiment"),
                              (args.run, "run", "experiment")):  # fmt: skip
        problem = name_problem(value, rule) if value else None
        if problem:
            raise UsageError(f"%%lineage track: {problem.replace(rule + ' name', noun + ' name')}")
    shell = m.shell
    code, tail, filename = compile_cell(shell, cell or "")
    client = m.client
    context = client.resolve(args.context, kind="context") if args.context else None
    inputs = [_locate(client, given, output=False) for given in args.inputs]
    outputs = [_locate(client, given, output=True) for given in args.outputs]

    start = _now()
    started = time.perf_counter()
    props = {"start_time": start, "code_sha256": code_hash(cell or "")}
    record = None
    if args.experiment:
        record = RunRecord(client.sagemaker, args.experiment, args.run or args.action or _default_run())
        record.start()
    action = None
    if args.action:
        action = client.ensure_action(args.action, args.type, status="InProgress", properties=props)
        stale = [k for k in ("error", "end_time", "duration_seconds") if k in (action.properties or {})]
        action = client.update(action, status="InProgress", properties=props, remove_properties=stale or None)
        if record:
            client.associate(action, record.arn, "AssociatedWith")
    step = action.arn if action else record.arn
    if context:
        client.associate(context, step, "AssociatedWith")
    for end in inputs:
        client.associate(_arn(client, end, args.input_type), step, "ContributedTo")

    value = error = None
    try:
        exec(code, shell.user_global_ns, shell.user_ns)
        if tail is not None:
            value = eval(tail, shell.user_global_ns, shell.user_ns)
    except BaseException as exc:  # noqa: B036 - recorded, then re-raised unchanged
        error = exc

    done = {"end_time": _now(), "duration_seconds": f"{time.perf_counter() - started:.3f}"}
    if error is not None:
        done["error"] = f"{type(error).__name__}: {error}"[:ERROR_MAX]
        status = "Stopped" if isinstance(error, KeyboardInterrupt) else "Failed"
        try:
            if action:
                client.update(action, status=status, properties=done)
            if record:
                record.finish(status, done["error"], inputs, outputs)
            what = f"action {args.action!r}" if action else f"run {record.name!r}"
            note = f"lineage: recorded as {what} ({status})"
        except Exception as record_failure:  # the user's error matters more
            note = f"lineage: could not record the failure: {record_failure}"
        if hasattr(error, "add_note"):
            error.add_note(note)
        _as_if_untracked(shell, error, filename)
        m.mark_user_exception(error)
        raise error
    if action:
        client.update(action, status="Completed", properties=done)
    for end in outputs:
        client.associate(step, _arn(client, end, args.output_type), "Produced")
    if record:
        record.finish("Completed", None, inputs, outputs)
    if args.var:
        return m.deliver(args, client.get(step))
    return value


def _default_run() -> str:
    return "run-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


VERBS = {
    "track": Verb(
        "track",
        "run the cell and record it as an action with its inputs, outputs, timing and code hash",
        build,
        run,
        (
            "%%lineage track train-model --type TrainingJob --context mnist-workflow "
            "--input data/train.csv --output s3://bucket/model.tar.gz\n  model = train(...)",
            "%%lineage track --experiment mnist --run lr-0.01 --input data/train.csv\n  model = train(...)",
        ),
        cell=True,
        details=__doc__.split("\n\n", 1)[1],
    )
}
