"""A self-contained HTML page: inline style, tables, figures embedded as PNG."""

import base64
import html
import io

from ..utils.findings import format_number

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #444; padding-bottom: .3em; }
h2 { margin-top: 2em; border-bottom: 1px solid #bbb; }
table { border-collapse: collapse; margin: .8em 0 .2em; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: right; }
th { background: #f0f0f0; }
td:first-child, th:first-child, td.text { text-align: left; }
figure { margin: 1em 0; }
figure img { max-width: 100%; }
figcaption { font-size: .9em; color: #555; }
.note { color: #555; font-size: .9em; }
.failed { color: #a00; }
.legend { font-size: .85em; color: #444; margin: .2em 0 1em; }
.legend dt { font-weight: 600; float: left; clear: left; margin-right: .5em; }
.legend dd { margin: 0 0 .1em 0; }
#findings { background: #f6f8fa; border: 1px solid #d0d7de; padding: .5em 1.2em; }
#findings h2 { margin-top: .4em; }
#findings li.no { color: #555; }
nav#toc ol { columns: 2; }
details summary { cursor: pointer; color: #036; margin: .3em 0; }
"""


def escape(text):
    return html.escape(str(text))


def format_value(value):
    """A cell: numbers with three significant figures (one format for all)."""
    return format_number(value)


def _plain_table(header, rows):
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(_cell(cell) for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def legend(explanations):
    """What each column means: ``{column: explanation}`` as a definition list."""
    items = "".join(
        f"<dt>{escape(name)}</dt><dd>{escape(text)}</dd>"
        for name, text in explanations.items()
    )
    return f'<dl class="legend">{items}</dl>'


def table(header, rows, explanations=None, top=None):
    """An HTML table from a header and rows of cells.

    ``explanations`` (column -> sentence) becomes a legend under the table;
    with ``top``, a table of more rows shows its first ``top`` rows and the
    whole table inside a ``<details>`` element.
    """
    rows = list(rows)
    if top is not None and len(rows) > top:
        text = (
            _plain_table(header, rows[:top])
            + f'<details><summary>All {len(rows)} rows</summary>'
            + _plain_table(header, rows)
            + "</details>"
        )
    else:
        text = _plain_table(header, rows)
    if explanations:
        text += legend(explanations)
    return text


def figure(fig, caption):
    """A matplotlib figure as an embedded PNG with a caption; closes the figure."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{encoded}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _cell(value):
    numeric = isinstance(value, int | float) or hasattr(value, "dtype")
    css = "" if numeric and not isinstance(value, bool) else ' class="text"'
    return f"<td{css}>{escape(format_value(value))}</td>"


def paragraph(text, css_class=None):
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{escape(text)}</p>"


def anchor(heading):
    return escape(
        "".join(c if c.isalnum() else "-" for c in heading.lower()).strip("-")
    )


def findings_list(findings):
    """The findings summary: ``[(study title, [Finding, ...]), ...]``."""
    parts = ['<section id="findings"><h2>Findings</h2><ul>']
    for title, items in findings:
        if not items:
            parts.append(
                f'<li class="no"><a href="#{anchor(title)}">{escape(title)}</a> '
                "No findings: the study did not complete.</li>"
            )
        for finding in items:
            css = "yes" if finding.holds else "no"
            parts.append(
                f'<li class="{css}"><a href="#{anchor(title)}">{escape(title)}</a> '
                f"{escape(finding.text)}</li>"
            )
    parts.append("</ul></section>")
    return "".join(parts)


def page(title, sections, findings=None):
    """The whole page; ``sections`` is a list of (heading, html body);
    ``findings`` as :func:`findings_list` takes them, shown first."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if findings is not None:
        parts.append(findings_list(findings))
    toc = '<li><a href="#findings">Findings</a></li>' if findings is not None else ""
    toc += "".join(
        f'<li><a href="#{anchor(heading)}">{escape(heading)}</a></li>'
        for heading, _ in sections
    )
    parts.append(f'<nav id="toc"><h2>Contents</h2><ol>{toc}</ol></nav>')
    for heading, body in sections:
        parts.append(
            f'<section id="{anchor(heading)}"><h2>{escape(heading)}</h2>{body}'
            "</section>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)
