"""Plain text inside Markdown: every user- or URL-derived string shown through
``st.markdown``/``st.error``/``st.caption``/a widget label goes through :func:`md_escape`.

Streamlit renders those strings as GitHub Markdown (links, images, autolinks, ``:red[…]``
directives, ``$…$`` maths, raw HTML when allowed). A file name, a ``?id=`` from the URL, a
column header or a note such as ``![x](http://…)`` or ``[请点此重新登录](http://…)`` must show
as the characters typed, never as a link, an image that the browser fetches, or a heading.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be backslash-escaped. These are the ones that start
# markup: links/images, emphasis, code, HTML and entities, maths, directives and emoji
# (``:``), tables.
_SPECIAL = re.compile(r"""([\\`*_\[\](){}!<>#$~|&:@^"])""")
# GFM finds autolinks (http://…, www.…, a@b.c) in the text after escapes are resolved, so
# a backslash does not stop them: an invisible WORD JOINER breaks the pattern instead
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")
JOINER = "\u2060"
_LEAD = re.compile(r"^([-+=]|\d+[.)])")  # a list item or a heading underline at the start
_SPACE = re.compile(r"\s+")


def md_escape(value: object) -> str:
    """``value`` as literal text inside Markdown: markup characters backslash-escaped, line
    breaks and runs of white space as one space (a newline could start a heading or a list),
    autolinks broken by an invisible word joiner."""
    if value is None:
        return ""
    s = _SPACE.sub(" ", str(value)).strip()
    s = _AUTOLINK.sub(lambda m: m.group(1)[0] + JOINER + m.group(1)[1:], s)
    s = _SPECIAL.sub(r"\\\1", s)
    return _LEAD.sub(
        lambda m: (
            "\\" + m.group(1) if len(m.group(1)) == 1 else m.group(1)[:-1] + "\\" + m.group(1)[-1]
        ),
        s,
    )


def md_escape_all(**values: object) -> dict[str, str]:
    """Keyword arguments for ``t(key, **…)`` with each value escaped."""
    return {k: md_escape(v) for k, v in values.items()}


def md_list(items: object) -> str:
    """A Markdown bullet list of plain-text items (problems, config issues)."""
    return "\n".join(f"- {md_escape(i)}" for i in items)  # type: ignore[attr-defined]
