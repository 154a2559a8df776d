"""The metadata store: records of pipelines, snapshots, runs, steps and artifacts."""
