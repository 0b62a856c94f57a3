"""
=======================================================
Same algorithm, different seeds vs different algorithms
=======================================================

Li, Sarna and Lin (2025, arXiv:2502.03937) find that models built with the same
algorithm make their mistakes on the same inputs, far more than models built
with different algorithms. This example measures that on scikit-learn's digits:

- an MLP and a random forest, each fitted with several seeds by
  :class:`~skcorr.ensemble.SeedEnsembleClassifier` (only the seed varies);
- six different algorithms side by side in a
  :class:`~skcorr.ensemble.CommitteeClassifier`.

Errors are 0/1 indicators on held-out digits and their correlation is phi_K, as
in the study. :func:`~skcorr.ensemble.run_scenario` runs both scenarios.
"""

# %%
# Same algorithm, different seeds
# -------------------------------
# ``SKCORR_QUICK`` (set by the test suite) shrinks the data and the models.
import os

import matplotlib.pyplot as plt
import numpy as np

from skcorr.ensemble import run_scenario
from skcorr.plotting import AggregatedRiskDisplay, ErrorCorrelationDisplay

QUICK = bool(os.environ.get("SKCORR_QUICK"))

seeds = run_scenario("seeds", n_seeds=5, random_state=0, quick=QUICK)
print(seeds.description)
for row in seeds.summary:
    print(f"{row['pairs']:<42} phi_K {row['mean_correlation']:.3f} "
          f"(error rate {row['mean_error_rate']:.3f}, {row['n_pairs']} pairs)")

# %%
# Different algorithms, same data
# -------------------------------
algorithms = run_scenario("algorithms", random_state=0, quick=QUICK)
for name, rate in zip(algorithms.model_names, algorithms.error_rates, strict=True):
    print(f"{name:<12} error rate {rate:.3f}")
for row in algorithms.summary:
    print(f"{row['pairs']:<34} phi_K {row['mean_correlation']:.3f}")

# %%
# The two heatmaps. The seed members form two blocks (MLP seeds, forest seeds):
# inside a block the errors are more alike than across blocks, and across
# algorithms in the committee they are less alike again.
fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
ErrorCorrelationDisplay(
    seeds.matrix, model_names=seeds.model_names, method=seeds.method
).plot(ax=axes[0], annotate=False, vmin=0, vmax=1)
axes[0].set_title("Seeds of an MLP and of a random forest")
ErrorCorrelationDisplay(
    algorithms.matrix, model_names=algorithms.model_names, method=algorithms.method
).plot(ax=axes[1], vmin=0, vmax=1)
axes[1].set_title("Different algorithms")
fig.tight_layout()

# %%
# One number per kind of pair.
labels = ["MLP seeds", "forest seeds", "MLP vs forest", "different algorithms"]
values = [row["mean_correlation"] for row in seeds.summary]
values.append(algorithms.summary[-1]["mean_correlation"])
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.barh(labels, values, color=["C0", "C0", "C1", "C1"])
ax.set_xlabel("mean phi_K of errors")
ax.invert_yaxis()
fig.tight_layout()

# %%
# Aggregated risk
# ---------------
# How often do at least k of five models fail on the same digit? Five seeds of
# the MLP fail together much more often than independent models with the same
# error rates would; five different algorithms less so.
mlp = seeds.groups["mlp"]
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
AggregatedRiskDisplay.from_predictions(
    seeds.y_true, seeds.Y_pred[:, mlp], name="MLP seeds", ax=axes[0]
)
five = [algorithms.model_names.index(name)
        for name in ("logistic", "k_neighbors", "svc", "forest", "mlp")]
AggregatedRiskDisplay.from_predictions(
    algorithms.y_true, algorithms.Y_pred[:, five], name="5 algorithms", ax=axes[1]
)
fig.tight_layout()
all_fail = np.mean((seeds.Y_pred[:, mlp] != seeds.y_true[:, None]).all(axis=1))
print(f"all MLP seeds wrong together: observed {all_fail:.2e}, "
      f"if independent {np.prod(seeds.error_rates[mlp]):.2e}")
