"""`readme_blocks.parse_blocks`: fences, sections and `readme-test` comments."""

import pytest
from readme_blocks import ReadmeFormatError, parse_blocks

TEXT = """# Title

## Usage

```python
x = 1
```

<!-- readme-test: skip (needs a real database) -->

```bash
export A=b
```

```
plain
```
"""


def test_blocks_keep_language_code_line_and_section():
    python, bash, plain = parse_blocks(TEXT)
    assert (python.language, python.code, python.first_line) == ("python", "x = 1\n", 6)
    assert python.section == "Usage"
    assert (bash.language, bash.first_line) == ("bash", 12)
    assert plain.language == ""


def test_a_skip_comment_applies_to_the_next_block_only():
    python, bash, plain = parse_blocks(TEXT)
    assert bash.skip_reason == "needs a real database"
    assert python.skip_reason is None and plain.skip_reason is None


def test_a_skip_comment_without_a_reason_is_an_error():
    with pytest.raises(ReadmeFormatError, match="README.md:1: .*skip \\(reason\\)"):
        parse_blocks("<!-- readme-test: skip -->\n```bash\nls\n```\n")


def test_a_skip_comment_followed_by_text_is_an_error():
    with pytest.raises(ReadmeFormatError, match="README.md:2: .*right before"):
        parse_blocks("<!-- readme-test: skip (why) -->\nSome text.\n```bash\nls\n```\n")


def test_an_unclosed_fence_is_an_error():
    with pytest.raises(ReadmeFormatError, match="README.md:1: .*never closed"):
        parse_blocks("```python\nx = 1\n")
