"""The one base of every skcorr scorer.

A scikit-learn scorer built by :func:`sklearn.metrics.make_scorer` calls one
response method of the estimator (``predict``, ``predict_proba``) and passes its
output to a metric of ``(y_true, y_pred)``. skcorr's scores need more than one
response: each member's predictions (error correlation), every column of the
probabilities (difficulty), the probabilities of patched copies of ``X``
(spurious score), an influence method built on the fitted model (reciprocity).
Each skcorr scorer therefore computes its number from the estimator itself,
in :meth:`EstimatorScorer.score_estimator`.

The base derives from scikit-learn's ``_BaseScorer`` (imported through
:mod:`skcorr.utils.fixes`), because the public API does not allow the rest:
the multi-metric scorer of ``cross_validate`` and the searches asks every
scorer ``_accept_sample_weight()`` when ``sample_weight`` is passed (a plain
callable fails there) and calls ``_score`` of its own scorers, and metadata
routing needs ``set_score_request``. Everything else a scorer does is public:
it is called as ``scorer(estimator, X, y, sample_weight=None)``.
"""

from inspect import signature

from .fixes import _BaseScorer, _raise_for_params


class EstimatorScorer(_BaseScorer):
    """Base of skcorr's scorers: a score computed from the fitted estimator.

    Subclasses implement :meth:`score_estimator` (the score, higher or lower
    is better as the metric says) and ``__repr__`` (the ``make_*_scorer``
    call that rebuilds them); the scorer returns ``sign`` times the score.

    Parameters
    ----------
    score_func : callable
        The metric behind the score. The scorer accepts ``sample_weight`` in a
        multi-metric dict (without metadata routing) when
        :meth:`score_estimator` names a ``sample_weight`` parameter or, as for
        scikit-learn's scorers, when ``score_func`` has one.
    sign : {1, -1}, default=1
        -1 negates the score, so that a search maximising it minimises the
        metric (as ``neg_log_loss``).
    kwargs : dict, default=None
        Keyword arguments of the metric, shown by scikit-learn's overlap
        warnings.
    response_method : str or tuple of str, default="predict"
        What scikit-learn's multi-metric scorer looks up on the outer
        estimator (the first it finds must exist) to decide whether to cache
        responses; the scorer itself reads what it needs in
        :meth:`score_estimator`.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.metrics import accuracy_score
    >>> from skcorr.utils.scoring import EstimatorScorer
    >>> class TrainingClasses(EstimatorScorer):
    ...     def score_estimator(self, estimator, X, y_true, **kwargs):
    ...         return len(estimator.classes_)
    ...     def __repr__(self):
    ...         return "TrainingClasses()"
    >>> X, y = load_iris(return_X_y=True)
    >>> TrainingClasses(accuracy_score)(LogisticRegression().fit(X, y), X, y)
    3
    """

    def __init__(self, score_func, sign=1, kwargs=None, response_method="predict"):
        super().__init__(
            score_func, sign, {} if kwargs is None else kwargs,
            response_method=response_method,
        )

    def __call__(self, estimator, X, y_true=None, sample_weight=None, **kwargs):
        """``sign * score_estimator(estimator, X, y_true, **metadata)``.

        Parameters
        ----------
        estimator : fitted estimator
        X : array-like
            Held-out data.
        y_true : array-like, default=None
            Its targets, when the score needs them.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows, for scores that take them.
        **kwargs : dict
            Other metadata, only with metadata routing enabled
            (``sklearn.set_config(enable_metadata_routing=True)``).

        Returns
        -------
        score : float
        """
        _raise_for_params(kwargs, self, None)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return self._score(None, estimator, X, y_true, **kwargs)

    def metric_options(self, metadata, factory):
        """The metric's keyword arguments: the scorer's own, updated by the
        ``metadata`` it is called with; a ``UserWarning`` names any passed
        both ways (scikit-learn's overlap warning), ``factory`` being the
        ``make_*_scorer`` function to name."""
        self._warn_overlap(
            message=(
                "There is an overlap between set kwargs of this scorer instance and"
                f" passed metadata. Please pass them either as kwargs to `{factory}`"
                " or metadata, but not both."
            ),
            kwargs=metadata,
        )
        return {**self._kwargs, **metadata}

    def _accept_sample_weight(self):
        # scikit-learn's multi-metric scorer passes sample_weight (without
        # metadata routing) only to the scorers that say they accept it.
        if "sample_weight" in signature(self.score_estimator).parameters:
            return True
        return super()._accept_sample_weight()

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        # scikit-learn's hook: the multi-metric scorer calls it with its own
        # cached method caller, which a score read from the estimator ignores.
        return self._sign * self.score_estimator(estimator, X, y_true, **kwargs)

    def score_estimator(self, estimator, X, y_true, **kwargs):
        """The score of the fitted ``estimator`` on ``X, y_true`` (unsigned)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement score_estimator."
        )
