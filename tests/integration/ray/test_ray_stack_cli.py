"""Registering a ray orchestrator from the command line, as the README shows."""

from typer.testing import CliRunner

from stepwell.cli.app import app
from stepwell.client import Client


def test_the_cli_registers_a_ray_orchestrator_with_its_address():
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "stack",
            "component",
            "register",
            "ray_cluster",
            "-t",
            "orchestrator",
            "-f",
            "ray",
            "address=ray://head:10001",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    component = Client().get_stack_component("orchestrator", "ray_cluster")
    assert component.flavor == "ray"
    assert component.configuration["address"] == "ray://head:10001"


def test_the_cli_refuses_a_misspelt_ray_setting():
    result = CliRunner().invoke(
        app, ["stack", "component", "register", "r", "-t", "orchestrator", "-f", "ray", "adress=x"]
    )
    assert result.exit_code != 0
    assert "unknown key 'adress'" in result.output
