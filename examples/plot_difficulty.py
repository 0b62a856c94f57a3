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
``SKCORR_QUICK`` (set by the test suite) shrinks the last section.
"""

# %%
# Scores over seeded runs
# -----------------------
# :class:`~skcorr.difficulty.ExampleDifficulty` fits ``n_seeds`` seeded runs,
# records each run's probabilities on the training set after every epoch, and
# scores every example (higher = harder).
import os

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
    run_difficulty_study,
    runs_needed,
)
from skcorr.plotting import DifficultyDisplay

QUICK = bool(os.environ.get("SKCORR_QUICK"))

X, y = load_digits(return_X_y=True)
X = X / 16.0
scores = ["loss", "margin", "el2n", "forgetting_events", "cartography_confidence"]
architectures = {
    "mlp_16": MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01),
    "mlp_32x32": MLPClassifier(hidden_layer_sizes=(32, 32), learning_rate_init=0.01),
}
n_seeds = 10
difficulty = {
    name: ExampleDifficulty(
        estimator, scores=scores, n_seeds=n_seeds, max_epochs=6, random_state=i
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

curves = {
    name: runs_needed(fit.scores_["loss"], random_state=0, target=0.01)
    for name, fit in difficulty.items()
}
for name, curve in curves.items():
    print(f"{name}: about {curve.runs_for_target} runs for a rank error of 1%")
DifficultyDisplay.from_runs_needed(curves)

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
labels = np.repeat(list(difficulty), n_seeds)
runs_train, runs_test, arch_train, arch_test = train_test_split(
    runs, labels, test_size=0.5, stratify=labels, random_state=0
)
ks = [1, 10, 100]
fig, ax = plt.subplots()
for selection in ("t_test", "random", "aggregate"):
    accuracy = [
        ArchitectureFingerprinter(
            k=k, n_scores=len(scores), selection=selection, random_state=0
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

# %%
# Close relatives, one score at a time
# ------------------------------------
# Two MLPs of different capacity differ in their mean score over all examples,
# so the aggregate baseline is hard to beat above. The study compares close
# relatives instead (ResNet-20 by SGD, by Adam, with a lower learning rate,
# wider, deeper) trained to convergence, and each score alone as well as all
# together. :func:`~skcorr.difficulty.run_difficulty_study` does the same with
# five variants of one MLP. One score at a time, the 10 most sensitive examples
# tell the variant of a held-out run better, on average over the scores, than
# 10 random examples or the score's mean over all examples (with 20 runs per
# variant, a few scores go the other way; the user guide gives figures for 40
# runs and three seeds); with the seven scores together, their seven means
# are the better summary.
study = run_difficulty_study(
    architectures="variants",
    n_seeds=4 if QUICK else 20,
    max_epochs=2 if QUICK else 40,
    n_samples=200 if QUICK else None,
    scores=["loss", "margin"] if QUICK else None,
    k=[10],
    random_state=0,
    n_jobs=2,
)
table = study.fingerprint.pivot_table(
    index="score", columns="selection", values="accuracy", sort=False
)
print(table.round(2))
fig, ax = plt.subplots(figsize=(8, 4))
positions = np.arange(len(table))
for offset, selection in [(-0.25, "t_test"), (0.0, "random"), (0.25, "aggregate")]:
    ax.bar(positions + offset, table[selection], width=0.25, label=selection)
ax.axhline(study.chance, color="grey", linestyle=":", label="chance")
ax.set_xticks(positions, table.index, rotation=30, ha="right")
ax.set_ylabel("held-out accuracy, 10 examples")
ax.set_ylim(0, 1.15)
ax.legend(ncol=4, loc="upper center")
fig.tight_layout()
plt.show()
