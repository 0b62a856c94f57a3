"""
==========================================
Do my models fail together?
==========================================

Li, Sarna and Lin (2025) measure how the errors of deployed models are correlated,
and why it matters: when models err on the same inputs, their failures aggregate.
This example reproduces their CIFAR-10 measurement from the errors the authors
released (bundled with skcorr), then runs the same study on scikit-learn's digits.
"""

# %%
# The released CIFAR-10 errors
# ----------------------------
# Seven models on the same 500 test images; each column is a 0/1 error indicator.
import numpy as np

from skcorr.datasets import load_corr_ml_errors
from skcorr.metrics import aggregated_risk_from_failures, correlation_from_errors

seven = ["logistic_regression", "random_forest", "xgb", "NN1", "NN2", "CNN1", "CNN2"]
cifar = load_corr_ml_errors("cifar10", models=seven)
print("error rates:", dict(zip(seven, cifar.errors.mean(axis=0).round(3), strict=True)))

phik = correlation_from_errors(cifar.errors, method="phik")
print(np.array2string(phik, precision=2))

# %%
# Aggregated risk: how often do at least k of the seven fail on the same image,
# against what independent failures with the same error rates would give?
risk = aggregated_risk_from_failures(cifar.errors)
for k, observed, independent in zip(
    risk.k, risk.observed, risk.independent, strict=True
):
    print(f"k={k}: observed {observed:.3f}, if independent {independent:.3f}")

# %%
# The same study on digits
# ------------------------
# Fit five different algorithms and compare their errors on held-out digits.
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skcorr.metrics import correlation_score, pairwise_error_correlation

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
models = {
    "logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
    "forest": RandomForestClassifier(n_estimators=100, random_state=0),
    "boosting": HistGradientBoostingClassifier(max_iter=50, random_state=0),
    "k_neighbors": KNeighborsClassifier(),
}
Y_pred = np.column_stack(
    [model.fit(X_train, y_train).predict(X_test) for model in models.values()]
)
for method in ("phik", "kappa", "double_fault"):
    print(method, round(correlation_score(y_test, Y_pred, method=method), 3))

# %%
# Plot the phi_K matrix of both studies side by side (needs matplotlib).
try:
    import matplotlib.pyplot as plt
except ImportError:  # pragma: no cover - the plot extra is optional
    plt = None

if plt is not None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for ax, matrix, names, title in [
        (axes[0], phik, seven, "CIFAR-10 (released errors)"),
        (
            axes[1],
            pairwise_error_correlation(y_test, Y_pred, method="phik"),
            list(models),
            "digits",
        ),
    ]:
        image = ax.imshow(matrix, vmin=0, vmax=1, cmap="viridis")
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), names)
        ax.set_title(f"phi_K of errors: {title}")
    fig.colorbar(image, ax=axes, shrink=0.8)
