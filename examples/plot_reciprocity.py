"""
==================================================
Who gives and who gets? Reciprocity of influence
==================================================

Sundararajan and Krichene (2022) ask whether a model trained on many people's
data is *reciprocal*: does each individual get from the model (inflow of
influence from others' data) about as much as it gives (outflow of its data's
influence on others)? Influence is TracInCP (Pruthi et al., 2020) for nets and
influence functions (Koh & Liang, 2017) for linear models.

TracInCP and plain influence functions are symmetric dot products, so on one
shared set the flows are equal by construction. This example shows that, and
where reciprocity breaks: separate evaluation rows per individual, the
leverage-corrected (exact leave-one-out) influence of least squares, and
TracInIdeal, the exact loss change of each training step logged while the net
trains (``TracInIdealRecorder``), which is not symmetric even on one shared
set.
"""

# %%
# Flows on diabetes, individuals = random groups of rows
# -------------------------------------------------------
# ``run_reciprocity_study`` fits a Ridge and a small skorch MLP, then measures
# self-influence, inflow and outflow per individual under each setting. The
# ``tracin_ideal`` row comes from the same training run as ``tracin_shared``:
# a ``TracInIdealRecorder`` callback evaluates the loss on the training rows
# before and after every SGD step and credits the change to the rows of the
# batch (divided by the batch size), so what an individual gives is measured
# at the steps that used its rows, and what it gets at every other step.
from skcorr.influence import run_reciprocity_study

diabetes = run_reciprocity_study("diabetes", n_individuals=20, max_epochs=15)
print(diabetes["scores"].round(3))

# %%
# Breast cancer (logistic regression and an MLP classifier)
cancer = run_reciprocity_study("breast_cancer", n_individuals=20, max_epochs=15)
print(cancer["scores"].round(3))

# %%
# A ratings matrix, users as individuals
# --------------------------------------
# A synthetic low-rank ratings matrix (50 users, 40 items) and a matrix
# factorisation net trained with skorch. Each user's ratings are split into
# rated-for-training and held-out ones: what a user gives is the influence of
# its training ratings on others' held-out ratings.
ratings = run_reciprocity_study("ratings", max_epochs=15)
print(ratings["scores"].round(3))
print("most giving users:\n", ratings["top_givers"].round(2))
print("most receiving users:\n", ratings["top_receivers"].round(2))

# %%
# Inflow against outflow (needs matplotlib)
try:
    import matplotlib.pyplot as plt
except ImportError:  # pragma: no cover
    plt = None

if plt is not None:
    panels = [
        ("diabetes: influence, shared set", diabetes, "influence_shared"),
        ("diabetes: leverage-corrected", diabetes, "influence_leverage"),
        ("diabetes: separate eval rows", diabetes, "influence_separate"),
        ("ratings: TracIn, shared set", ratings, "tracin_shared"),
        ("ratings: TracIn, separate eval", ratings, "tracin_separate"),
        ("ratings: TracInIdeal, shared set", ratings, "tracin_ideal"),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4))
    for ax, (title, results, setting) in zip(axes, panels, strict=True):
        flows = results["flows"][setting]
        ax.scatter(flows["outflow"], flows["inflow"], s=12)
        low = min(flows["outflow"].min(), flows["inflow"].min())
        high = max(flows["outflow"].max(), flows["inflow"].max())
        ax.plot([low, high], [low, high], color="grey", lw=0.8)
        spearman = results["scores"].loc[setting, "spearman"]
        ax.set(title=f"{title}\nSpearman {spearman:.2f}", xlabel="outflow",
               ylabel="inflow")
    fig.tight_layout()
    plt.show()
