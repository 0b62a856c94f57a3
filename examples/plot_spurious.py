"""
==========================================================
How few examples does it take to learn a spurious pattern?
==========================================================

Yang, Chou and Chaudhuri (2022, arXiv:2202.05189) put a small pattern on a
handful of training images of one class and find that networks tie the pattern
to that class; patterns of larger L2 norm are learned from fewer examples, and
deleting the examples afterwards (incremental retraining, influence functions)
does not undo it. This example runs their study on scikit-learn's 8x8 digits.
"""

# %%
# Patterns on digits
# ------------------
# Digits take values in [0, 16]; the study's patterns are scaled to 8x8 images
# (see :func:`skcorr.spurious.make_pattern`).
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skcorr.spurious import (
    SpuriousInjector,
    influence_removal,
    make_pattern,
    run_spurious_study,
)

QUICK = bool(os.environ.get("SKCORR_QUICK"))  # set by the test suite

X, y = load_digits(return_X_y=True)
for name in ("S1", "S3", "R1", "R3", "core"):
    pattern = make_pattern(name, (8, 8), value_range=(0, 16), random_state=0)
    print(f"{name:5s} L2 norm on digits: {pattern.norm(X):.1f}")

# %%
# Spurious score against the number of patched examples
# -----------------------------------------------------
# Patch n training images of class 0, train, and count the test images (of the
# other classes) whose probability of class 0 rises by more than 0.1 when the
# pattern is added. Two model families, three data seeds, one-sided Welch test
# against the model trained without the pattern. The result holds every run,
# their mean over seeds and the findings, sentences computed from the numbers.
study = run_spurious_study(
    patterns=("S1", "S3", "R3"),
    n_examples=(0, 10, 100) if QUICK else (0, 3, 10, 100),
    models=("logistic", "mlp"),
    n_seeds=1 if QUICK else 3,
    random_state=0,
)
summary = study.summary.set_index(["model", "pattern", "n_examples"])
print(summary.round(3).to_string())
for finding in study.findings:
    print(finding.text)

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:  # pragma: no cover
    plt = None

if plt is not None:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
    for ax, model in zip(axes, ("logistic", "mlp"), strict=True):
        for pattern in ("S1", "S3", "R3"):
            curve = summary.loc[(model, pattern)]
            ax.errorbar(
                curve.index + 1,
                curve["score"],
                yerr=curve["score_sem"].fillna(0),
                marker="o",
                label=pattern,
            )
        ax.set_xscale("log")
        ax.set_xlabel("n patched examples + 1")
        ax.set_title(model)
    axes[0].set_ylabel("spurious score")
    axes[0].legend()
    fig.tight_layout()

# %%
# Deleting the patched examples
# -----------------------------
# One group-influence step on a logistic regression, compared with retraining
# from scratch without the examples.
X_train, X_test, y_train, y_test = train_test_split(
    X / 16, y, test_size=0.3, stratify=y, random_state=0
)
pattern = make_pattern("S3", (8, 8))
injector = SpuriousInjector(pattern, n_examples=60, target_class=0, random_state=0)
X_patched, _ = injector.fit_resample(X_train, y_train)
model = LogisticRegression(max_iter=2000).fit(X_patched, y_train)
result = influence_removal(
    model,
    X_patched,
    y_train,
    injector.spurious_indices_,
    X_eval=X_test,
    y_eval=y_test,
    pattern=pattern,
    target_class=0,
)
print(
    f"spurious score: trained {result.score_before:.3f}, after influence removal "
    f"{result.score_after:.3f}, retrained without them {result.score_retrained:.3f}"
)
print("largest parameter change:", np.abs(result.estimator.coef_ - model.coef_).max())
