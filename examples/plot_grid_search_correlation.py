"""
============================================================
Choosing ensemble settings by accuracy, watching correlation
============================================================

A seed ensemble is worth more than one model only when its members do not all
fail on the same inputs (Li, Sarna and Lin 2025, arXiv:2502.03937). Feature and
row sampling decorrelate the members' errors. This example lets
:class:`~sklearn.model_selection.GridSearchCV` choose ``max_features`` and
``max_samples`` of a :class:`~skcorr.ensemble.SeedEnsembleClassifier` by
accuracy (``refit="accuracy"``) while a correlation scorer from
:func:`~skcorr.metrics.make_correlation_scorer` reports, beside it, how
correlated the members' errors are. Then
:func:`~sklearn.model_selection.cross_validate` scores the chosen setting.
"""

# %%
# The search
# ----------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.tree import DecisionTreeClassifier

from skcorr.ensemble import SeedEnsembleClassifier
from skcorr.metrics import make_correlation_scorer

QUICK = bool(os.environ.get("SKCORR_QUICK"))

X, y = load_digits(return_X_y=True)
if QUICK:
    X, y = X[:600], y[:600]

ensemble = SeedEnsembleClassifier(
    DecisionTreeClassifier(), n_seeds=5 if QUICK else 10, random_state=0
)
scoring = {
    "accuracy": "accuracy",
    # mean phi of the members' 0/1 errors over all pairs
    "error_correlation": make_correlation_scorer(method="phi"),
    "double_fault": make_correlation_scorer(method="double_fault"),
}
param_grid = {
    "max_features": [0.1, 0.25, 0.5, 1.0],
    "max_samples": [0.5, 1.0] if QUICK else [0.3, 0.6, 1.0],
}
cv = StratifiedKFold(3, shuffle=True, random_state=0)
search = GridSearchCV(ensemble, param_grid, scoring=scoring, refit="accuracy", cv=cv)
search.fit(X, y)
print("best by accuracy:", search.best_params_,
      f"accuracy {search.best_score_:.3f}")

results = search.cv_results_
print(f"{'max_features':>12} {'max_samples':>11} {'accuracy':>9} "
      f"{'phi':>6} {'double fault':>12}")
for i, params in enumerate(results["params"]):
    print(f"{params['max_features']:>12} {params['max_samples']:>11} "
          f"{results['mean_test_accuracy'][i]:>9.3f} "
          f"{results['mean_test_error_correlation'][i]:>6.3f} "
          f"{results['mean_test_double_fault'][i]:>12.4f}")

# %%
# Accuracy and error correlation against ``max_features``: fewer features per
# member give less correlated errors, and the vote gains from it, up to the
# point where each member is too weak.
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharex=True)
max_features = np.array([p["max_features"] for p in results["params"]])
max_samples = np.array([p["max_samples"] for p in results["params"]])
for value in np.unique(max_samples):
    rows = max_samples == value
    axes[0].plot(max_features[rows], results["mean_test_accuracy"][rows], "o-",
                 label=f"max_samples={value}")
    axes[1].plot(max_features[rows], results["mean_test_error_correlation"][rows],
                 "o-", label=f"max_samples={value}")
axes[0].set_ylabel("ensemble accuracy")
axes[1].set_ylabel("mean phi of members' errors")
for ax in axes:
    ax.set_xlabel("max_features")
    ax.legend()
fig.tight_layout()

# %%
# cross_validate with the correlation scorer
# ------------------------------------------
# The chosen setting and the plain one (every member sees every row and
# feature), scored on the same folds.
for name, estimator in [
    ("chosen", search.best_estimator_),
    ("all rows and features", ensemble),
]:
    scores = cross_validate(estimator, X, y, cv=cv, scoring=scoring)
    print(f"{name:<22} accuracy {scores['test_accuracy'].mean():.3f}, "
          f"phi {scores['test_error_correlation'].mean():.3f}, "
          f"double fault {scores['test_double_fault'].mean():.4f}")
