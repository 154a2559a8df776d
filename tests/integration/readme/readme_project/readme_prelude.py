"""Steps and pipelines that README snippets use without defining them.

The README shows some snippets as parts of a larger project (`training_pipeline`, the steps of
the dynamic `sweep`, a cache salt). The README test runs the snippets in a copy of this folder
and imports from this module each name a snippet uses that neither it nor an earlier snippet
defines. Everything here really runs: a one-weight linear model (y = w * x) is fitted to
points of y = 2x, scored and "deployed", so snippets that run these get real results.
"""

from __future__ import annotations

from stepwell import pipeline, step

TRAINING_POINTS = (0.5, 1.0, 1.5, 2.0)


@step
def train(lr: float = 0.1, epochs: int = 20) -> float:
    """The weight w of y = w * x, fitted to y = 2x by gradient descent from w = 0."""
    print(f"training with lr={lr} for {epochs} epochs")
    weight = 0.0
    for _ in range(epochs):
        gradient = sum(2 * (weight * x - 2 * x) * x for x in TRAINING_POINTS)
        weight -= lr * gradient / len(TRAINING_POINTS)
    return weight


@step
def load_chunks(n: int) -> list[list[float]]:
    """`n` chunks of x values; mapping a step over them gives one invocation per chunk."""
    return [[float(4 * i + j) for j in range(4)] for i in range(n)]


@step
def evaluate(chunk: list[float], model: float) -> float:
    """The share of a chunk's points the model predicts within 0.5 of y = 2x."""
    return sum(abs(model * x - 2 * x) <= 0.5 for x in chunk) / len(chunk)


@step
def pick_best(scores: list[float]) -> float:
    return max(scores)


@step
def deploy(model: float) -> str:
    print(f"deploying a model scoring {model}")
    return "deployed"


@pipeline
def training_pipeline(lr: float = 0.1):
    evaluate(chunk=[0.0, 1.0, 2.0, 3.0], model=train(lr=lr))


@step
def process_chunk(chunk_id: str = "c0") -> str:
    return f"processed {chunk_id}"


@pipeline
def chunk_processing_pipeline():
    process_chunk()


def my_salt() -> str:
    """A cache salt: when what it returns changes, cached results are not reused."""
    return "features-v1"
