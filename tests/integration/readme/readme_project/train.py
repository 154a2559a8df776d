"""The `training` pipeline the README's command-line examples run (`train.py:training`).

`python train.py` prepares a store for them: two runs with other learning rates (with the
README's own run, the `train` step's output then has three versions) and the snapshot
`nightly` that `stepwell snapshot trigger nightly` starts.
"""

from readme_prelude import train

from stepwell import pipeline


@pipeline
def training(lr: float = 0.1):
    train(lr=lr)


if __name__ == "__main__":
    for lr in (0.3, 0.4):
        training(lr=lr)
    training.create_snapshot(name="nightly", description="the training pipeline, nightly")
