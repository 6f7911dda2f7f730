"""The V3 code of use cases 1-9 of SageMaker's lineage-tracking page, verbatim.

Use case 1 keeps its lines except ``default_bucket()``: that one call needs S3 and STS, which a
local lineage endpoint cannot stand in for; no later use case reads ``default_bucket``.
"""

USE_CASE_1 = """
import boto3
from sagemaker.core.helper.session_helper import Session

region = boto3.Session().region_name
sagemaker_session = Session()
"""

USE_CASE_2 = """
from datetime import datetime
from sagemaker.core.lineage.context import Context

unique_id = str(int(datetime.now().replace(microsecond=0).timestamp()))
context_name = f"machine-learning-workflow-{unique_id}"

ml_workflow_context = Context.create(
    context_name=context_name,
    context_type="MLWorkflow",
    source_uri=unique_id,
    properties={"example": "true"},
)
"""

USE_CASE_3 = """
from sagemaker.core.lineage.context import Context

contexts = Context.list(sort_by="CreationTime", sort_order="Descending")

for ctx in contexts:
    print(ctx.context_name)
"""

USE_CASE_4 = """
from sagemaker.core.lineage.action import Action

model_build_action = Action.create(
    action_name=f"model-build-step-{unique_id}",
    action_type="ModelBuild",
    source_uri=unique_id,
    properties={"Example": "Metadata"},
)
"""

USE_CASE_5 = """
from sagemaker.core.lineage.association import Association

context_action_association = Association.create(
    source_arn=ml_workflow_context.context_arn,
    destination_arn=model_build_action.action_arn,
    association_type="AssociatedWith",
)
"""

USE_CASE_6 = """
from sagemaker.core.lineage.association import Association

# List incoming associations to an action
incoming = Association.list(destination_arn=model_build_action.action_arn)
for association in incoming:
    print(f"{model_build_action.action_name} has incoming association from {association.source_name}")

# List outgoing associations from a context
outgoing = Association.list(source_arn=ml_workflow_context.context_arn)
for association in outgoing:
    print(f"{ml_workflow_context.context_name} has outgoing association to {association.destination_name}")
"""

USE_CASE_7 = """
from sagemaker.core.lineage.artifact import Artifact

input_test_images = Artifact.create(
    artifact_name="mnist-test-images",
    artifact_type="TestData",
    source_types=[{"SourceIdType": "Custom", "Value": unique_id}],
    source_uri=f"https://sagemaker-example-files-prod-{region}.s3.amazonaws.com/datasets/image/MNIST/t10k-images-idx3-ubyte.gz",
)

input_test_labels = Artifact.create(
    artifact_name="mnist-test-labels",
    artifact_type="TestLabels",
    source_types=[{"SourceIdType": "Custom", "Value": unique_id}],
    source_uri=f"https://sagemaker-example-files-prod-{region}.s3.amazonaws.com/datasets/image/MNIST/t10k-labels-idx1-ubyte.gz",
)

output_model = Artifact.create(
    artifact_name="mnist-model",
    artifact_type="Model",
    source_types=[{"SourceIdType": "Custom", "Value": unique_id}],
    source_uri=f"https://sagemaker-example-files-prod-{region}.s3.amazonaws.com/datasets/image/MNIST/model/tensorflow-training-2020-11-20-23-57-13-077/model.tar.gz",
)
"""

USE_CASE_8 = """
from sagemaker.core.lineage.association import Association

# Link input data to the model build action
Association.create(
    source_arn=input_test_images.artifact_arn,
    destination_arn=model_build_action.action_arn,
)
Association.create(
    source_arn=input_test_labels.artifact_arn,
    destination_arn=model_build_action.action_arn,
)

# Link the action output to the model artifact
Association.create(
    source_arn=model_build_action.action_arn,
    destination_arn=output_model.artifact_arn,
)
"""

USE_CASE_9 = """
from sagemaker.core.helper.session_helper import Session
from sagemaker.core.lineage.association import Association
from sagemaker.core.lineage.context import Context
from sagemaker.core.lineage.action import Action
from sagemaker.core.lineage.artifact import Artifact

sagemaker_session = Session()

def delete_associations(arn):
    for summary in Association.list(destination_arn=arn):
        assct = Association(
            source_arn=summary.source_arn,
            destination_arn=summary.destination_arn,
            sagemaker_session=sagemaker_session,
        )
        assct.delete()
    for summary in Association.list(source_arn=arn):
        assct = Association(
            source_arn=summary.source_arn,
            destination_arn=summary.destination_arn,
            sagemaker_session=sagemaker_session,
        )
        assct.delete()

# Delete context
delete_associations(ml_workflow_context.context_arn)
Context(context_name=ml_workflow_context.context_name, sagemaker_session=sagemaker_session).delete()

# Delete action
delete_associations(model_build_action.action_arn)
Action(action_name=model_build_action.action_name, sagemaker_session=sagemaker_session).delete()

# Delete artifacts
for artifact in [input_test_images, input_test_labels, output_model]:
    delete_associations(artifact.artifact_arn)
    Artifact(artifact_arn=artifact.artifact_arn, sagemaker_session=sagemaker_session).delete()
"""

BUILD = [USE_CASE_1, USE_CASE_2, USE_CASE_3, USE_CASE_4, USE_CASE_5, USE_CASE_6, USE_CASE_7, USE_CASE_8]
CLEANUP = [USE_CASE_9]
