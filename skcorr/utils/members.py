"""The members of an ensemble wrapped in scikit-learn meta-estimators.

Scorers and displays read the predictions of every member of a skcorr ensemble
(``predict_all``, ``predict_proba_all``). A user's ensemble often sits inside a
meta-estimator: the last step of a :class:`~sklearn.pipeline.Pipeline`, the
``best_estimator_`` of a fitted search, the ``regressor_`` of a
:class:`~sklearn.compose.TransformedTargetRegressor`, or any nesting of them.
:func:`member_outputs` walks to the ensemble by duck-typing, so that no
estimator code is imported here (``metrics`` may use it).
"""

import numpy as np

ENSEMBLES = (
    "skcorr.ensemble.SeedEnsembleClassifier, SeedEnsembleRegressor, "
    "CommitteeClassifier or CommitteeRegressor"
)


def _name(estimator):
    return type(estimator).__name__


def _is_pipeline(estimator):
    steps = getattr(estimator, "steps", None)
    return isinstance(steps, list) and hasattr(estimator, "__getitem__")


def _target_transformer(estimator):
    """The fitted ``(regressor_, transformer_)`` of a TransformedTargetRegressor."""
    if hasattr(estimator, "regressor_") and hasattr(estimator, "transformer_"):
        return estimator.regressor_, estimator.transformer_
    return None


def _inverse_columns(transformer, Y):
    """Each member's column through ``transformer.inverse_transform``, as
    TransformedTargetRegressor.predict does for its one prediction."""
    Y = np.asarray(Y)
    columns = [
        np.ravel(transformer.inverse_transform(Y[:, [j]])) for j in range(Y.shape[1])
    ]
    return np.column_stack(columns)


def find_members(estimator, method="predict_all", *, target_transform=True):
    """Walk meta-estimators to the estimator that has ``method``.

    Parameters
    ----------
    estimator : estimator
        A fitted skcorr ensemble, or a meta-estimator holding one: the last
        step of a Pipeline (nested pipelines too), the ``best_estimator_`` of
        a fitted search (``refit=True``), or the ``regressor_`` of a fitted
        TransformedTargetRegressor.
    method : str, default="predict_all"
        The method the inner estimator must have (``"predict_all"``,
        ``"predict_proba_all"``) or an attribute (``"scores_"``).
    target_transform : bool, default=True
        Whether to walk into a TransformedTargetRegressor (its members then
        predict transformed targets, see :func:`member_outputs`).

    Returns
    -------
    final : estimator
        The estimator with ``method``.
    route : list of (str, object)
        What to apply, in order: ``("transform", step)`` to X before
        ``final`` and ``("inverse", transformer)`` to the members' targets
        after it (innermost first).

    Raises
    ------
    TypeError
        When no estimator on the way has ``method``, naming the estimator
        reached and what it lacks.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import SeedEnsembleClassifier
    >>> from skcorr.utils.members import find_members
    >>> pipe = make_pipeline(StandardScaler(), SeedEnsembleClassifier(
    ...     DecisionTreeClassifier(), n_seeds=2, random_state=0))
    >>> final, route = find_members(pipe.fit([[0.], [1.]], [0, 1]))
    >>> type(final).__name__, [kind for kind, _ in route]
    ('SeedEnsembleClassifier', ['transform'])
    """
    final, route, path = _walk(
        estimator, lambda current: hasattr(current, method), target_transform
    )
    if final is not None:
        return final, route
    current = path[-1]
    if current is None or isinstance(current, str):
        raise TypeError(
            f"The last step of {_name(path[-2])} is {current!r}, not an "
            f"ensemble: {method} needs a fitted {ENSEMBLES} as the last step."
        )
    where = " -> ".join(_name(step) for step in path)
    hint = ""
    if hasattr(current, "cv_results_") or hasattr(current, "param_grid"):
        hint = " A search needs refit=True (and to be fitted) to hold best_estimator_."
    elif hasattr(current, "fit") and not hasattr(current, "n_features_in_"):
        hint = " Is it fitted?"
    raise TypeError(
        f"{where} has no {method}: it needs a fitted {ENSEMBLES}, alone, as the "
        "last step of a Pipeline, as the best_estimator_ of a fitted search or "
        f"as the regressor of a TransformedTargetRegressor.{hint}"
    )


def _walk(estimator, stop, target_transform):
    """``(final or None, route, path)``: down through meta-estimators until
    ``stop(current)``; ``final`` is None when none on the way stops."""
    route, outer, path = [], [], []
    current = estimator
    while True:
        path.append(current)
        if stop(current):
            return current, route + outer[::-1], path
        if _is_pipeline(current) and len(current.steps) > 0:
            if len(current.steps) > 1:
                route.append(("transform", current[:-1]))
            current = current.steps[-1][1]
            if current is None or isinstance(current, str):
                path.append(current)
                return None, route, path
            continue
        if hasattr(current, "best_estimator_"):
            current = current.best_estimator_
            continue
        if target_transform and (pair := _target_transformer(current)):
            current, transformer = pair
            outer.append(("inverse", transformer))
            continue
        return None, route, path


def transform_along(route, X):
    """``X`` through the ``("transform", step)`` entries of a route, in order."""
    for kind, step in route:
        if kind == "transform":
            X = step.transform(X)
    return X


def final_estimator(estimator):
    """The estimator at the bottom of Pipelines and fitted searches.

    Returns ``(final, route)`` as :func:`find_members` does (never walking
    into a TransformedTargetRegressor, whose targets are transformed);
    ``transform_along(route, X)`` gives the input of ``final``. A Pipeline
    ending in ``"passthrough"`` returns that string as ``final``.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skcorr.utils.members import final_estimator
    >>> final, route = final_estimator(make_pipeline(
    ...     StandardScaler(), make_pipeline(StandardScaler(), Ridge())))
    >>> type(final).__name__, len(route)
    ('Ridge', 2)
    """
    _, route, path = _walk(estimator, lambda current: False, False)
    return path[-1], route


def member_outputs(estimator, X, method="predict_all", *, target_transform=True,
                   **params):
    """Per-member outputs of the skcorr ensemble inside ``estimator``.

    The transformers before the ensemble (``pipeline[:-1].transform``) are
    applied to ``X`` first, at every level of nesting, exactly as the
    pipeline's own ``predict`` would; the members' predictions of a
    TransformedTargetRegressor are brought back to the original target
    scale, column by column, as its ``predict`` does.

    Parameters
    ----------
    estimator : estimator
        See :func:`find_members`.
    X : array-like of shape (n_samples, n_features)
        The raw input of ``estimator``.
    method : {"predict_all", "predict_proba_all"}, default="predict_all"
    target_transform : bool, default=True
        See :func:`find_members`.
    **params
        Passed to ``method`` (say ``as_frame=False``).

    Returns
    -------
    outputs : ndarray or DataFrame
        ``(n_samples, n_members)`` predictions, or ``(n_samples, n_members,
        n_classes)`` probabilities. A DataFrame keeps the index of ``X``.
    ensemble : estimator
        The ensemble that produced them (for ``member_names_``, ``classes_``).

    Raises
    ------
    TypeError
        When ``estimator`` holds no fitted ensemble with ``method`` (a
        TransformedTargetRegressor holds a regressor: no probabilities).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import SeedEnsembleClassifier
    >>> from skcorr.utils.members import member_outputs
    >>> X, y = np.array([[0.], [1.], [2.], [3.]]), np.array([0, 0, 1, 1])
    >>> pipe = make_pipeline(StandardScaler(), SeedEnsembleClassifier(
    ...     DecisionTreeClassifier(), n_seeds=2, random_state=0)).fit(X, y)
    >>> Y_pred, ensemble = member_outputs(pipe, X, as_frame=False)
    >>> Y_pred.shape, len(ensemble.member_names_)
    ((4, 2), 2)
    """
    final, route = find_members(estimator, method, target_transform=target_transform)
    inverse = [step for kind, step in route if kind == "inverse"]
    index = getattr(X, "index", None)
    outputs = getattr(final, method)(transform_along(route, X), **params)
    if inverse:
        frame = hasattr(outputs, "columns")
        columns = list(outputs.columns) if frame else None
        for transformer in inverse:
            outputs = _inverse_columns(transformer, outputs)
        if frame:
            import pandas as pd

            outputs = pd.DataFrame(outputs, columns=columns)
    if hasattr(outputs, "columns") and index is not None and len(index) == len(outputs):
        outputs.index = index
    return outputs, final
