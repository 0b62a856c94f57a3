"""What every influence method shares: influence as a sum of bilinear forms.

Both TracInCP (Pruthi et al., 2020) and influence functions (Koh & Liang,
2017) write the influence of a training example ``z`` on an evaluation example
``z'`` as ``sum_k w_k * e_k(z') . t_k(z)``: per checkpoint ``k``, a weight
(the learning rate; 1 for influence functions), an evaluation feature (the
loss gradient) and a training feature (the gradient, or ``H^-1`` times it).
Influence matrices, self-influence, top-k and the flows of
:func:`~skcorr.influence.influence_flows` are all built from those features,
so the flows need no ``n x n`` matrix (Sundararajan & Krichene, 2022).
"""

import numbers

import numpy as np


def check_top_k(k, n_train):
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be a positive integer; got {k!r}.")
    return min(int(k), n_train)


class BilinearInfluence:
    """Base of :class:`TracIn` and :class:`LinearInfluence`.

    Subclasses implement ``feature_blocks(X, y, role)``, which yields
    ``(checkpoint_index, weight, rows, features)``, checkpoint by checkpoint
    and, within one, batch by batch of rows, where ``role`` is ``"train"`` or
    ``"eval"``; and ``_to_numpy`` for the feature type (numpy or torch).
    ``_symmetric`` says that both roles give the same features.
    """

    _symmetric = False

    def feature_blocks(self, X, y, role):  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def _to_numpy(features):
        return np.asarray(features, dtype=np.float64)

    @staticmethod
    def _concatenate(blocks):
        return np.concatenate(blocks, axis=0)

    def _features_by_checkpoint(self, X, y, role):
        """Yield ``(weight, all_features)`` per checkpoint."""
        current, weight, blocks = None, None, []
        for index, w, _, features in self.feature_blocks(X, y, role):
            if index != current and blocks:
                yield weight, self._concatenate(blocks)
                blocks = []
            current, weight = index, w
            blocks.append(features)
        if blocks:
            yield weight, self._concatenate(blocks)

    def influence(self, X_eval, y_eval, X_train, y_train):
        """Influence of each training example on each evaluation example.

        Positive values mean that training on the row of ``X_train`` lowers
        the loss on the row of ``X_eval`` (a proponent); negative values mean
        it raises it (an opponent).

        Parameters
        ----------
        X_eval, y_eval : array-like of shape (n_eval, ...)
            Examples influenced.
        X_train, y_train : array-like of shape (n_train, ...)
            Examples that influence.

        Returns
        -------
        influence : ndarray of shape (n_eval, n_train)
        """
        n_eval, n_train = len(X_eval), len(X_train)
        result = np.zeros((n_eval, n_train))
        train_blocks = self.feature_blocks(X_train, y_train, "train")
        pending = next(train_blocks, None)
        for index, (weight, eval_features) in enumerate(
            self._features_by_checkpoint(X_eval, y_eval, "eval")
        ):
            while pending is not None and pending[0] == index:
                _, _, rows, train_features = pending
                result[:, rows] += weight * self._to_numpy(
                    eval_features @ train_features.T
                )
                pending = next(train_blocks, None)
        return result

    def self_influence(self, X, y):
        """Influence of each example on itself, ``sum_k w_k e_k(z) . t_k(z)``.

        Large values flag examples the model finds hard or mislabelled
        (Pruthi et al., 2020).

        Returns
        -------
        self_influence : ndarray of shape (n_samples,)
        """
        result = np.zeros(len(X))
        train_blocks = self.feature_blocks(X, y, "train")
        eval_blocks = (
            self.feature_blocks(X, y, "eval") if not self._symmetric else None
        )
        for _, weight, rows, train_features in train_blocks:
            eval_features = (
                train_features if eval_blocks is None else next(eval_blocks)[3]
            )
            result[rows] += weight * self._to_numpy(
                (train_features * eval_features).sum(1)
            )
        return result

    def top_k(self, X_eval, y_eval, X_train, y_train, *, k=5):
        """The ``k`` strongest proponents and opponents of each evaluation row.

        Returns
        -------
        proponents, opponents : ndarray of shape (n_eval, k)
            Row indices into ``X_train``: proponents by decreasing influence,
            opponents by increasing (most negative first).
        """
        k = check_top_k(k, len(X_train))
        influence = self.influence(X_eval, y_eval, X_train, y_train)
        order = np.argsort(-influence, axis=1, kind="stable")
        proponents = order[:, :k]
        opponents = np.argsort(influence, axis=1, kind="stable")[:, :k]
        return proponents, opponents

    def weighted_feature_blocks(self, X, y, role, sample_weight=None):
        """:meth:`feature_blocks` with each row's features times its weight.

        A row of weight ``w`` counts as ``w`` copies of itself: what it gives
        (role ``"train"``) and what it gets (role ``"eval"``) scale with
        ``w``. Features come back as numpy arrays.
        """
        for index, weight, rows, features in self.feature_blocks(X, y, role):
            features = self._to_numpy(features)
            if sample_weight is not None:
                features = features * sample_weight[rows, None]
            yield index, weight, rows, features
