"""What LaTeX prints for a BibTeX field's value: the oracle of the BibTeX tests."""

from __future__ import annotations

import re

# What LaTeX prints for each command and escape research_digest/site/bibtex.py writes:
# written here from LaTeX's own definitions, not from the module, so that a wrong escape
# reads back wrong.
LATEX_MEANING = {
    "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}",
    "textasciitilde": "~", "textasciicircum": "^", "textless": "<", "textgreater": ">",
    "textbar": "|", "&": "&", "%": "%", "$": "$", "#": "#", "_": "_",
}  # fmt: skip
# Characters LaTeX treats specially outside a command, and the pairs TeX's fonts make into
# ligatures (an en dash, curly quotes, inverted marks): none may reach a field as themselves.
LATEX_ACTIVE = re.compile(r"[~^$&%#_<>|]|--|``|''|,,|[!?]`")


def read_back(latex: str) -> str:
    """The text LaTeX prints for a field's value: commands replaced by what they print,
    grouping braces dropped. Fails on anything LaTeX would not print as written."""
    out, depth, i = [], 0, 0
    while i < len(latex):
        char = latex[i]
        if char == "\\":
            command = re.match(r"[a-z]+|.", latex[i + 1 :])
            assert command is not None and command.group() in LATEX_MEANING, latex[i:]
            out.append(LATEX_MEANING[command.group()])
            i += 1 + len(command.group())
            continue
        if char in "{}":
            depth += 1 if char == "{" else -1
            assert depth >= 0, latex
        else:
            out.append(char)
        i += 1
    assert depth == 0, latex
    outside_commands = re.sub(r"\\[a-z]+\{\}|\\.", " ", latex)  # no ligature across one
    assert LATEX_ACTIVE.search(outside_commands) is None, latex
    return "".join(out)
