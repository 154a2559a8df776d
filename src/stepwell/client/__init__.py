"""`Client`: the one Python facade over the metadata store and the artifact store (read).

The CLI and the server are thin layers over this class. Lookups take a name, an id or an
id prefix, as ZenML's Client does. Each group of methods lives in a module of its own
(`client.pipelines`, `client.artifacts`, ...); `Client` puts them together.
"""

from __future__ import annotations

from stepwell.client.accounts import AccountsMixin
from stepwell.client.artifact_admin import ArtifactAdminMixin
from stepwell.client.artifacts import ArtifactsMixin
from stepwell.client.lists import ListsMixin
from stepwell.client.models import ModelsMixin
from stepwell.client.orphans import OrphansMixin
from stepwell.client.pipelines import PipelinesMixin
from stepwell.client.run_metadata import RunMetadataMixin
from stepwell.client.schedules import SchedulesMixin
from stepwell.client.secrets import SecretsMixin
from stepwell.client.snapshots import SnapshotsMixin
from stepwell.client.stacks import StacksMixin
from stepwell.client.steps import StepsMixin
from stepwell.client.tags import TagsMixin


class Client(
    ListsMixin,
    PipelinesMixin,
    StepsMixin,
    ArtifactsMixin,
    ArtifactAdminMixin,
    OrphansMixin,
    SnapshotsMixin,
    StacksMixin,
    TagsMixin,
    RunMetadataMixin,
    ModelsMixin,
    AccountsMixin,
    SecretsMixin,
    SchedulesMixin,
):
    """Query and manage pipelines, runs, steps, artifacts, snapshots, stacks and models."""


__all__ = ["Client"]
