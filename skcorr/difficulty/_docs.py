"""Docstring paragraphs that every score function of an array shares, written
once: the ``block_size`` parameter and the ``ValueError`` of a bad input.

A score function's docstring holds the marker lines ``<block_size>`` (under
Parameters) and ``<raises>`` (under Raises); :func:`shared_doc` replaces them
with these paragraphs, indented as the marker is, when the module loads.
"""

_SHAPES = {
    "proba": "(n_samples, n_classes) or (n_samples, n_epochs, n_classes)",
    "dynamics": "(n_samples, n_epochs, n_classes)",
}


def _block_size(array):
    return f"""block_size : int, default=None
    Samples read, checked and scored at once: ``{array}`` (a
    :class:`numpy.memmap` stays on disk) is read in blocks of
    ``block_size`` samples, each converted to float64, so that memory
    beyond the result is a few blocks of ``block_size * n_epochs *
    n_classes * 8`` bytes, whatever the size of ``{array}``. None: as many
    samples as hold 2**16 values (512 KiB in float64). The scores do not
    depend on it."""


def _raises(array, labels):
    text = f"""ValueError
    If ``{array}`` is not of shape {_SHAPES[array]},
    not numeric, holds NaN or inf, values outside [0, 1] (logits: apply a
    softmax) or rows that do not sum to 1 beyond float32 rounding
    (``16 (n_classes + 2) eps``)"""
    if labels:
        text += """; if ``y`` holds missing labels, labels that
    are not integer class indices, or indices outside the columns"""
    return text + "."


def _indented(text, indent):
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def shared_doc(array, labels=True):
    """Fill the ``<block_size>`` and ``<raises>`` markers of a docstring.

    Parameters
    ----------
    array : {"proba", "dynamics"}
        The name of the scored array.
    labels : bool, default=True
        Whether the function takes labels ``y`` (their errors are listed).

    Returns
    -------
    decorator : callable
        Returns the function with its docstring filled in.
    """

    def decorate(function):
        lines = []
        for line in function.__doc__.split("\n"):
            marker = line.strip()
            indent = line[: len(line) - len(line.lstrip())]
            if marker == "<block_size>":
                line = _indented(_block_size(array), indent)
            elif marker == "<raises>":
                line = _indented(_raises(array, labels), indent)
            lines.append(line)
        function.__doc__ = "\n".join(lines)
        return function

    return decorate
