"""The one shape of a study's result: numbers by name, tables, settings, findings.

Each of skcorr's four studies (:func:`~skcorr.ensemble.run_error_study`,
:func:`~skcorr.spurious.run_spurious_study`,
:func:`~skcorr.difficulty.run_difficulty_study`,
:func:`~skcorr.influence.run_reciprocity_study`) returns a subclass of
:class:`StudyResult`. The command line prints it and the report composes them;
neither computes anything of its own.
"""

import numpy as np
from sklearn.utils import Bunch

__all__ = ["StudyResult", "to_jsonable"]


class StudyResult(Bunch):
    """What a study returns: a :class:`~sklearn.utils.Bunch` of its numbers.

    Every study's result has the keys (and attributes) ``study`` (its name),
    ``settings`` (the parameters it ran with, by name), ``findings`` (a list
    of :class:`~skcorr.utils.findings.Finding`: sentences computed from the
    numbers, each with the numbers that support it) and ``seconds`` (the
    wall-clock time it took), besides its own numbers. :attr:`tables` gives
    its tables as DataFrames and :meth:`to_dict` everything as plain JSON
    values.

    Subclasses name their tables (``_TABLES``), the tables written to JSON as
    lists of records rather than by index (``_RECORDS``) and the keys left out
    of JSON, such as fitted estimators (``_NOT_JSON``).

    Examples
    --------
    >>> import pandas as pd
    >>> from skcorr.utils.results import StudyResult
    >>> result = StudyResult(study="demo", settings={"n": 2}, findings=[],
    ...                      seconds=0.5, scores=pd.DataFrame({"a": [1, 2]}))
    >>> result.settings["n"], result.to_dict()["scores"]
    (2, {'0': {'a': 1}, '1': {'a': 2}})
    """

    _TABLES = ()
    _RECORDS = ()
    _NOT_JSON = ()

    @property
    def tables(self):
        """The study's tables, by name: dict of str -> DataFrame."""
        import pandas as pd

        return {name: pd.DataFrame(self[name]) for name in self._TABLES
                if self.get(name) is not None}

    def to_dict(self):
        """The result as plain values for JSON (NaN and inf become None).

        Returns
        -------
        values : dict
        """
        values = {}
        for key, value in self.items():
            if key in self._NOT_JSON:
                continue
            if key in self._RECORDS and hasattr(value, "to_dict"):
                value = value.to_dict(orient="records")
            values[key] = to_jsonable(value)
        return values


def to_jsonable(value):
    """Numbers and arrays as plain JSON values (NaN and inf become None).

    DataFrames become ``{index: {column: value}}``, Series and objects with a
    ``to_dict`` method (:class:`~skcorr.utils.findings.Finding`) their dict.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.utils.results import to_jsonable
    >>> to_jsonable({"a": np.array([1.0, np.nan]), 2: np.int64(3)})
    {'a': [1.0, None], '2': 3}
    """
    if isinstance(value, dict):
        return {_json_key(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.str_):
        return str(value)
    if hasattr(value, "columns") and hasattr(value, "to_dict"):  # DataFrame
        return to_jsonable(value.to_dict(orient="index"))
    if hasattr(value, "to_dict"):  # Series, Finding
        return to_jsonable(value.to_dict())
    return value


def _json_key(key):
    if isinstance(key, str):
        return key
    if isinstance(key, float | np.floating) and float(key).is_integer():
        return str(int(key))
    return str(key.item() if isinstance(key, np.generic) else key)
