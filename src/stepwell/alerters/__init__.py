"""Alerters: stack components that send messages about runs (layer: between store and stack).

Reached as `Client().active_stack.alerter`, mostly from success and failure hooks while a step
launches (`stepwell.hooks`). Built-in flavors: `log` (the `stepwell.alerter` logger) and
`webhook` (JSON to an URL, Slack-compatible). Third parties add flavors through the
`stepwell.flavors` entry point group (see `stepwell.stack.flavors`).
"""
