"""Records what the page tests look at, through a real server (run as a script with the
server's address and a member's API key in the environment, and `pages_pipelines` on the
path): runs of the retried and chatty pipelines, a named snapshot, two versions of a model
with stages and metadata, a secret, a stack whose webhook alerter holds a secret setting and
a secret reference, and a yearly schedule.

`python pages_records.py <marker file>`.
"""

from __future__ import annotations

import sys

import pages_pipelines as pp

from stepwell.client import Client
from stepwell.config.schedule import Schedule

SECRET_VALUE = "token-value-that-must-not-show"
LITERAL_SECRET = "literal-webhook-path-that-must-not-show"
WEBHOOK_URL = f"https://hooks.example.com/services/{LITERAL_SECRET}"


def record(marker: str) -> None:
    client = Client()
    pp.retried_pipeline(marker=marker)
    pp.chatty_pipeline()
    pp.nightly_pipeline.create_snapshot(name="nightly", description="The nightly count.")

    pp.model_pipeline(accuracy=0.81)
    pp.model_pipeline(accuracy=0.93)
    client.update_model_version("churn", 1, stage="staging")
    client.update_model_version("churn", 2, stage="production")

    client.create_secret("hook", {"token": SECRET_VALUE})
    client.create_stack_component(
        "team-hook",
        "webhook",
        "alerter",
        {"url": WEBHOOK_URL, "headers": {"Authorization": "{{hook.token}}"}},
    )
    active = client.get_stack()
    components = {kind.value: model.id for kind, model in active.components.items()}
    client.create_stack("team", {**components, "alerter": "team-hook"})

    pp.yearly_pipeline.with_options(
        schedule=Schedule(name="new-year", cron_expression="0 0 1 1 *")
    )()


if __name__ == "__main__":
    record(sys.argv[1])
