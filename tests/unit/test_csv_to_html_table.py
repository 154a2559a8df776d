"""CSV visualizations become HTML tables that keep quoted commas and escape markup."""

from stepwell.utils.visualization_utils import csv_to_html_table


def test_the_first_line_is_the_header_and_quoted_commas_stay_in_their_cell():
    html = csv_to_html_table('name,note\nash,"tall, old"\n')
    assert "<thead><tr><th>name</th><th>note</th></tr></thead>" in html
    assert "<tr><td>ash</td><td>tall, old</td></tr>" in html


def test_markup_in_cells_is_escaped():
    html = csv_to_html_table("a\n<script>x</script>\n")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_long_and_wide_tables_are_cut_with_a_note():
    text = "\n".join([",".join(f"c{i}" for i in range(30))] + [",".join("1" * 30)] * 60)
    html = csv_to_html_table(text, max_rows=50, max_columns=20)
    assert html.count("<tr>") == 1 + 50 + 1
    assert "10 more rows" in html
    assert html.count("<th>") == 21  # 20 columns and an ellipsis
