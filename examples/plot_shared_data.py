"""
=============================================
Shared training data: a dial from 0 to 1
=============================================

Models trained on the same data err together (Li, Sarna and Lin 2025,
arXiv:2502.03937). :class:`~skcorr.ensemble.SeedEnsembleRegressor` turns the
amount of shared data into a dial: with ``shared_fraction=f`` a fraction ``f`` of
the training rows is common to every member and the rest is split into disjoint
parts, one per member. At 0 the members see disjoint data, at 1 the same data.

The second half repeats the study's feature experiment (XGBoost retrained once
per dropped feature) with HistGradientBoosting on diabetes: members that share
all rows and all but one feature. Errors are residuals, compared by Pearson
correlation, as in the study.
"""

# %%
# The dial, by hand
# -----------------
# Five HistGradientBoosting regressors on diabetes, at a few shared fractions.
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import train_test_split

from skcorr.ensemble import SeedEnsembleRegressor, run_scenario
from skcorr.metrics import correlation_score
from skcorr.plotting import ErrorCorrelationDisplay

QUICK = bool(os.environ.get("SKCORR_QUICK"))

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
for fraction in (0.0, 0.5, 1.0):
    ensemble = SeedEnsembleRegressor(
        HistGradientBoostingRegressor(max_iter=20 if QUICK else 50),
        n_seeds=5, shared_fraction=fraction, random_state=0,
    ).fit(X_train, y_train)
    rows = [len(r) for r in ensemble.estimators_samples_]
    score = correlation_score(y_test, ensemble.predict_all(X_test), method="pearson")
    print(f"shared_fraction={fraction:.1f}: {rows} rows per member, "
          f"mean Pearson of residuals {score:.3f}")

# %%
# The scenario
# ------------
# :func:`~skcorr.ensemble.run_scenario` sweeps the dial and fits the
# leave-one-feature-out members.
result = run_scenario("shared-data", n_seeds=5, random_state=0, quick=QUICK)
print(result.description)
for row in result.summary:
    print(f"{row['setting']:<22} rows/member {row['rows_per_member']:6.1f}  "
          f"Pearson {row['mean_correlation']:.3f}  RMSE {row['mean_rmse']:.1f}")

# %%
# The dial curve. Even disjoint training sets leave the residuals strongly
# correlated: what no model of these ten features can explain is common to all
# of them. Sharing rows pushes the correlation to 1 (identical members, since
# HistGradientBoosting without early stopping is deterministic).
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(result.shared_fractions, result.dial_correlations, "o-",
        label="seed ensemble, shared rows")
ax.axhline(result.summary[-1]["mean_correlation"], color="C1", ls="--",
           label="leave one feature out (all rows)")
ax.set_xlabel("shared fraction of training rows")
ax.set_ylabel("mean Pearson correlation of residuals")
ax.set_title("Diabetes: shared data, correlated errors")
ax.legend()
fig.tight_layout()

# %%
# Leave one feature out
# ---------------------
# The Pearson matrix of the ten members' residuals. Dropping ``bmi`` or ``s5``,
# the two strongest features, moves a member furthest from the others.
display = ErrorCorrelationDisplay(
    result.matrix, model_names=result.model_names, method="pearson"
).plot(vmin=0.5 if result.matrix.min() > 0.5 else None)
display.figure_.set_size_inches(8, 7)
for name, rmse in zip(result.model_names, result.rmse, strict=True):
    print(f"{name:<14} RMSE {rmse:.1f}")
print("least like the others:",
      result.model_names[int(np.argmin(result.matrix.mean(axis=0)))])
