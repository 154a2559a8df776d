"""The model control plane's user-facing side: `Model` and `link_artifact_to_model`.

ZenML's paths with `stepwell` in place of `zenml`: `stepwell.model.model.Model`,
`stepwell.model.utils.link_artifact_to_model`.
"""
