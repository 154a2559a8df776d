"""Train and evaluate a scikit-learn classifier as a stepwell pipeline.

Four steps: load the iris dataset shipped with scikit-learn (no download), split it, train a
logistic regression and measure its accuracy on the held-out part. Every output is stored as
an artifact (DataFrames and Series as Parquet, the model with the cloudpickle fallback) and the
run is recorded in the metadata store (SQLite by default), so it can be queried afterwards.

    python examples/training_pipeline.py [--test-size 0.25] [--C 1.0]
"""

from __future__ import annotations

import argparse
from typing import Annotated, Tuple

import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from stepwell import pipeline, step
from stepwell.client import Client

TARGET = "target"


@step
def load_data() -> Annotated[pd.DataFrame, "dataset"]:
    """The iris measurements with their species label in a `target` column."""
    return load_iris(as_frame=True).frame


@step
def split_data(
    dataset: pd.DataFrame, test_size: float = 0.25
) -> Tuple[
    Annotated[pd.DataFrame, "X_train"],
    Annotated[pd.DataFrame, "X_test"],
    Annotated[pd.Series, "y_train"],
    Annotated[pd.Series, "y_test"],
]:
    """A stratified train/test split of features and labels."""
    features = dataset.drop(columns=[TARGET])
    labels = dataset[TARGET]
    X_train, X_test, y_train, y_test = train_test_split(
        features, labels, test_size=test_size, random_state=42, stratify=labels
    )
    return X_train, X_test, y_train, y_test


@step
def train_model(
    X_train: pd.DataFrame, y_train: pd.Series, C: float = 1.0
) -> Annotated[ClassifierMixin, "model"]:
    """A logistic regression; `C` is the inverse regularisation strength."""
    model = LogisticRegression(C=C, max_iter=1000)
    model.fit(X_train, y_train)
    return model


@step
def evaluate_model(
    model: ClassifierMixin, X_test: pd.DataFrame, y_test: pd.Series
) -> Annotated[float, "accuracy"]:
    """Accuracy of the model on the held-out data."""
    accuracy = float(model.score(X_test, y_test))
    print(f"Test accuracy: {accuracy:.3f}")
    return accuracy


@pipeline
def training_pipeline(test_size: float = 0.25, C: float = 1.0) -> None:
    """Load, split, train, evaluate."""
    dataset = load_data()
    X_train, X_test, y_train, y_test = split_data(dataset, test_size=test_size)
    model = train_model(X_train, y_train, C=C)
    evaluate_model(model, X_test, y_test)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test-size", type=float, default=0.25)
    parser.add_argument("--C", type=float, default=1.0)
    args = parser.parse_args()

    run = training_pipeline(test_size=args.test_size, C=args.C)
    print(f"\nRun {run.name}: {run.status.value}")

    # Read the result back from the store, as any other process could.
    stored = Client().get_pipeline_run(run.name)
    accuracy = stored.steps["evaluate_model"].outputs["accuracy"][0].load()
    print(f"Accuracy loaded from the store: {accuracy:.3f}")
    print(f"Steps: {', '.join(stored.steps)}")

    from stepwell.config import environment

    print("\nWhere the data lives:")
    print(f"  home folder     {environment.home_folder()}")
    print(f"  metadata store  {environment.store_url()}")
    print(f"  artifacts       {environment.artifact_store_path()}")


if __name__ == "__main__":
    main()
