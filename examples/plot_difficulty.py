"""
===================================================
How hard is each example, and can I trust one run?
===================================================

Kwok, Anand, Frankle, Dziugaite and Rolnick (2024, arXiv:2401.01867) score the
difficulty of every training example over many training runs. Their findings:
one run's scores are noisy (its ranking agrees only partly with the many-run
mean, and the rank error falls like ``1 / sqrt(n)`` with the number of runs
averaged), the scores share one dominant notion of difficulty, and a handful of
architecture-sensitive examples is enough to tell architectures apart.

This example repeats the study on scikit-learn's digits with
:class:`~sklearn.neural_network.MLPClassifier` runs trained by ``partial_fit``.
"""

# %%
# Scores over seeded runs
# -----------------------
# :class:`~skcorr.difficulty.ExampleDifficulty` fits ``n_runs`` seeded runs,
# records each run's probabilities on the training set after every epoch, and
# scores every example (higher = harder).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skcorr.difficulty import (
    ArchitectureFingerprinter,
    ExampleDifficulty,
    difficulty_pca,
    run_consistency,
    runs_needed,
)

X, y = load_digits(return_X_y=True)
X = X / 16.0
scores = ["loss", "margin", "el2n", "forgetting_events", "cartography_confidence"]
architectures = {
    "mlp_16": MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01),
    "mlp_32x32": MLPClassifier(hidden_layer_sizes=(32, 32), learning_rate_init=0.01),
}
n_runs = 10
difficulty = {
    name: ExampleDifficulty(
        estimator, scores=scores, n_runs=n_runs, n_epochs=6, random_state=i
    ).fit(X, y)
    for i, (name, estimator) in enumerate(architectures.items())
}
print(difficulty["mlp_16"].mean_scores_.head())

# %%
# How far can one run be trusted?
# -------------------------------
# Spearman correlation of each run's loss with the mean of the other runs, and
# the median rank error of the mean of ``n`` runs against the mean of all.
for name, fit in difficulty.items():
    rho = run_consistency(fit.scores_["loss"])
    print(f"{name}: one run vs the others, Spearman {rho.mean():.3f}")

fig, ax = plt.subplots()
for name, fit in difficulty.items():
    curve = runs_needed(fit.scores_["loss"], random_state=0, target=0.01)
    ax.plot(curve.n_runs, curve.median_rank_error, marker="o", label=name)
    print(f"{name}: about {curve.runs_for_target} runs for a rank error of 1%")
ax.set_xlabel("runs averaged")
ax.set_ylabel("median rank error vs all runs")
ax.legend()

# %%
# One notion of difficulty
# ------------------------
# The first principal component of the quantile-normalised mean scores.
for name, fit in difficulty.items():
    pca = difficulty_pca(fit.mean_scores_)
    print(f"{name}: first component explains {pca.first_component_share:.0%}")

# %%
# Fingerprinting the architecture
# -------------------------------
# Each run is a sample; its features are its per-example scores. Half the runs
# choose the examples (Welch t-tests across architectures) and train the
# classifier; the other half measure accuracy, against random examples and the
# aggregate (mean over all examples) baseline.
runs = np.vstack(
    [np.hstack([fit.scores_[s].T for s in scores]) for fit in difficulty.values()]
)
labels = np.repeat(list(difficulty), n_runs)
runs_train, runs_test, arch_train, arch_test = train_test_split(
    runs, labels, test_size=0.5, stratify=labels, random_state=0
)
ks = [1, 10, 100]
fig, ax = plt.subplots()
for selection in ("t_test", "random", "aggregate"):
    accuracy = [
        ArchitectureFingerprinter(
            n_examples=k, n_scores=len(scores), selection=selection, random_state=0
        )
        .fit(runs_train, arch_train)
        .score(runs_test, arch_test)
        for k in ks
    ]
    ax.plot(ks, accuracy, marker="o", label=selection)
ax.axhline(0.5, color="grey", linestyle=":", label="chance")
ax.set_xscale("log")
ax.set_xlabel("examples kept")
ax.set_ylabel("held-out accuracy")
ax.legend()
plt.show()
