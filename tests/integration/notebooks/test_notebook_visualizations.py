"""`artifact_version.visualize()` in a real Jupyter kernel displays rich outputs."""

import base64

SETUP = """
    import numpy as np
    import pandas as pd
    from stepwell import pipeline, step
    from stepwell.types import MarkdownString
"""


def test_visualize_displays_html_tables_images_and_markdown(notebook):
    notebook.run(SETUP)
    notebook.run(
        """
        @step
        def table() -> pd.DataFrame:
            return pd.DataFrame({"tree": ["ash", "birch"], "height": [11.5, 20.0]})

        @step
        def values() -> np.ndarray:
            return np.linspace(0.0, 1.0, 50)

        @step
        def notes() -> MarkdownString:
            return MarkdownString("**tall trees**")

        @pipeline
        def forest():
            table()
            values()
            notes()

        run = forest()
        """
    )

    notebook.run('run.steps["table"].output.visualize(title="Trees")')
    outputs = notebook.last_outputs()
    assert outputs[0]["data"]["text/markdown"] == "### Trees"
    html = outputs[1]["data"]["text/html"]
    assert "<table" in html and "birch" in html and "mean" in html

    notebook.run('run.steps["values"].output.visualize()')
    image, csv_table = notebook.last_outputs()
    assert base64.b64decode(image["data"]["image/png"]).startswith(b"\x89PNG")
    assert "<th>value</th>" in csv_table["data"]["text/html"]

    notebook.run('run.steps["notes"].output.visualize()')
    (markdown,) = notebook.last_outputs()
    assert markdown["data"]["text/markdown"] == "**tall trees**"
