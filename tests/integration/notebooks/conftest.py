"""A real Jupyter kernel that runs cells one at a time, as a person works in a notebook."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


class Notebook:
    """A notebook being worked in: `run(code)` adds a cell, executes it, returns its text."""

    def __init__(self, client, notebook) -> None:
        self._client = client
        self._notebook = notebook

    def run(self, code: str) -> str:
        cell = nbformat.v4.new_code_cell(textwrap.dedent(code))
        self._notebook.cells.append(cell)
        self._client.execute_cell(cell, len(self._notebook.cells) - 1)
        return self.text(cell)

    def last_outputs(self) -> list:
        """The outputs of the cell run last: streams and displays, with their MIME data."""
        return list(self._notebook.cells[-1].outputs)

    def rerun_all(self) -> str:
        """Run every cell again, top to bottom ("Run All"); returns the last cell's text."""
        text = ""
        for index, cell in enumerate(self._notebook.cells):
            cell.outputs = []
            self._client.execute_cell(cell, index)
            text = self.text(cell)
        return text

    def restart(self) -> None:
        """Restart the kernel, as the notebook's restart button does."""
        from nbclient.util import run_sync

        run_sync(self._client.km.restart_kernel)(now=True)
        run_sync(self._client.kc.wait_for_ready)(timeout=60)

    @staticmethod
    def text(cell) -> str:
        parts = []
        for output in cell.outputs:
            if output.get("output_type") == "stream":
                parts.append(output["text"])
            elif "data" in output:
                parts.append(output["data"].get("text/plain", ""))
        return "".join(parts)

    @staticmethod
    def html(cell) -> str:
        return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


@pytest.fixture
def notebook(tmp_path: Path, stepwell_home: Path) -> Iterator[Notebook]:
    """A fresh kernel whose working directory is an empty project folder."""
    folder = tmp_path / "notebook-project"
    folder.mkdir()
    document = nbformat.v4.new_notebook()
    client = nbclient.NotebookClient(
        document,
        kernel_name="python3",
        timeout=180,
        resources={"metadata": {"path": str(folder)}},
        allow_errors=False,
    )
    with client.setup_kernel():
        yield Notebook(client, document)
