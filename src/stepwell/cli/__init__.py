"""The `stepwell` command line (read layer, on top of the Client).

A thin layer over `stepwell.client.Client`: one module per command group (`runs`,
`artifacts`, `stacks`, ...), `output` for tables and JSON, `errors` for the one error
boundary, `progress` for the live view of a run. Needs the `cli` extra (typer, rich).
"""
