"""The compiler: trace a pipeline function into a validated, frozen `PipelineSpec` (pure)."""
