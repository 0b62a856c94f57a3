"""A self-contained HTML page: inline style, tables, figures embedded as PNG."""

import base64
import html
import io

import numpy as np

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #444; padding-bottom: .3em; }
h2 { margin-top: 2em; border-bottom: 1px solid #bbb; }
table { border-collapse: collapse; margin: .8em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: right; }
th { background: #f0f0f0; }
td:first-child, th:first-child, td.text { text-align: left; }
figure { margin: 1em 0; }
figure img { max-width: 100%; }
figcaption { font-size: .9em; color: #555; }
.note { color: #555; font-size: .9em; }
.failed { color: #a00; }
"""


def escape(text):
    return html.escape(str(text))


def format_value(value):
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return str(float(value))
        if value != 0 and not 1e-3 <= abs(value) < 1e6:
            return f"{value:.2e}"
        return f"{value:.3f}"
    return str(value)


def table(header, rows):
    """An HTML table from a header and rows of cells."""
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(_cell(cell) for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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
    numeric = isinstance(value, int | float | np.integer | np.floating)
    css = "" if numeric else ' class="text"'
    return f"<td{css}>{escape(format_value(value))}</td>"


def paragraph(text, css_class=None):
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{escape(text)}</p>"


def page(title, sections):
    """The whole page; ``sections`` is a list of (heading, html body)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    for heading, body in sections:
        anchor = escape(heading.lower().replace(" ", "-"))
        parts.append(
            f'<section id="{anchor}"><h2>{escape(heading)}</h2>{body}</section>'
        )
    parts.append("</body></html>")
    return "\n".join(parts)
