"""Train, promote and use a model with stepwell's model control plane.

Two pipelines share the model `breast_cancer_classifier`:

- `training` loads the breast cancer dataset shipped with scikit-learn (no download), trains
  a random forest, logs its test accuracy on the run's new model version and promotes that
  version to `production` when it beats the version there (or when none is). Each run makes
  a new version (1, 2, ...); every artifact it makes is linked to that version.
- `inference` runs on whichever version is in `production` when it starts: the classifier
  is named lazily in the pipeline function and resolved just before the `predict` step runs.

The script trains twice (a small forest, then a bigger one), runs inference once and prints
each version with its stage and accuracy.

    python examples/model_promotion.py
"""

from __future__ import annotations

from typing import Annotated, Tuple

import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from stepwell import (
    ArtifactConfig,
    Model,
    get_pipeline_context,
    get_step_context,
    log_metadata,
    pipeline,
    step,
)
from stepwell.client import Client
from stepwell.enums import ArtifactType, ModelStages

MODEL_NAME = "breast_cancer_classifier"
CLASSIFIER = "sklearn_classifier"

model_card = Model(
    name=MODEL_NAME,
    license="Apache 2.0",
    description="Tells malignant from benign breast tumours from 30 cell-nucleus measurements.",
    tags=["classification", "sklearn", "example"],
)


# -- training -------------------------------------------------------------------------------------
@step
def load_data(
    test_size: float = 0.25,
) -> Tuple[
    Annotated[pd.DataFrame, "X_train"],
    Annotated[pd.DataFrame, "X_test"],
    Annotated[pd.Series, "y_train"],
    Annotated[pd.Series, "y_test"],
]:
    """A stratified train/test split of the measurements and their labels (0 malignant,
    1 benign)."""
    features, labels = load_breast_cancer(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(
        features, labels, test_size=test_size, random_state=42, stratify=labels
    )
    return X_train, X_test, y_train, y_test


@step
def train(
    X_train: pd.DataFrame, y_train: pd.Series, n_estimators: int = 100
) -> Annotated[ClassifierMixin, ArtifactConfig(name=CLASSIFIER, artifact_type=ArtifactType.MODEL)]:
    """A random forest of `n_estimators` trees; stored as the version's model artifact."""
    classifier = RandomForestClassifier(n_estimators=n_estimators, random_state=42)
    classifier.fit(X_train, y_train)
    return classifier


# Not cached: the accuracy is logged on the run's model version when this step runs, and a
# cache hit would leave a new version without it.
@step(enable_cache=False)
def evaluate(
    classifier: ClassifierMixin, X_test: pd.DataFrame, y_test: pd.Series
) -> Annotated[float, "accuracy"]:
    """Accuracy on the held-out part, also logged as metadata of the model version."""
    accuracy = float(classifier.score(X_test, y_test))
    log_metadata(metadata={"accuracy": accuracy}, infer_model=True)
    return accuracy


# Not cached: whether to promote depends on which version is in production right now.
@step(enable_cache=False)
def promote(accuracy: float) -> Annotated[bool, "promoted"]:
    """Move this run's version to production if it beats the production version (or no
    version is in production yet); the version that was there becomes archived."""
    current = get_step_context().model
    try:
        production = Model(name=current.name, version=ModelStages.PRODUCTION)
        production_accuracy = float(production.run_metadata["accuracy"])
    except KeyError:  # no version is in production, or it has no accuracy
        production_accuracy = None
    if production_accuracy is not None and accuracy <= production_accuracy:
        print(
            f"Version {current.number} ({accuracy:.3f}) does not beat production "
            f"({production_accuracy:.3f}); not promoted."
        )
        return False
    current.set_stage(ModelStages.PRODUCTION, force=True)
    print(f"Version {current.number} ({accuracy:.3f}) promoted to production.")
    return True


@pipeline(model=model_card)
def training(n_estimators: int = 100) -> None:
    """Load, train, evaluate, promote: one new model version per run."""
    X_train, X_test, y_train, y_test = load_data()
    classifier = train(X_train, y_train, n_estimators=n_estimators)
    accuracy = evaluate(classifier, X_test, y_test)
    promote(accuracy)


# -- batch inference ------------------------------------------------------------------------------
@step
def load_inference_data(rows: int = 50) -> Annotated[pd.DataFrame, "inference_data"]:
    """Measurements to classify: a sample of the dataset, without labels."""
    features = load_breast_cancer(as_frame=True).data
    return features.sample(n=rows, random_state=7)


@step
def predict(
    classifier: ClassifierMixin, features: pd.DataFrame
) -> Annotated[pd.Series, "predictions"]:
    """The classifier's label for each row of `features`."""
    return pd.Series(classifier.predict(features), index=features.index, name="prediction")


@pipeline(model=Model(name=MODEL_NAME, version="production"))
def inference() -> None:
    """Predict with the production version's classifier, found when `predict` runs."""
    classifier = get_pipeline_context().model.get_artifact(CLASSIFIER)
    predict(classifier, load_inference_data())


# -- the script -----------------------------------------------------------------------------------
def summary() -> list[str]:
    """Lines describing every version of the model and the newest inference run."""
    client = Client()
    lines = [f"Model {MODEL_NAME}:"]
    for version in client.list_model_versions(MODEL_NAME):
        accuracy = version.run_metadata.get("accuracy")
        shown = "-" if accuracy is None else f"{accuracy:.3f}"
        lines.append(f"  version {version.number}  {version.stage or '-':<10}  accuracy {shown}")
    newest = client.list_pipeline_runs(pipeline_name="inference", size=1)
    if newest:
        run = newest[0]
        used = run.model_version
        predictions = run.steps["predict"].outputs["predictions"][0].load()
        lines.append(
            f"Inference run {run.name} used version {used.number} ({used.stage}): "
            f"{len(predictions)} predictions, {int((predictions == 1).sum())} benign."
        )
    return lines


def main() -> None:
    training(n_estimators=5)
    training(n_estimators=100)
    inference()
    print()
    print("\n".join(summary()))


if __name__ == "__main__":
    main()
