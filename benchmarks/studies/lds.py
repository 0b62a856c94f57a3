"""Attribution checked against retraining: the LDS of TracIn, influence
functions and exact leave-one-out on diabetes and breast cancer.

The linear datamodeling score (Park et al. 2023, "TRAK: Attributing Model
Behavior at Scale", Def. 2.3) of each attribution, on the public API of
:mod:`skcorr.influence`:

- data: scikit-learn's diabetes (target standardised) and breast cancer,
  features standardised, split 70/30 at random (``--seed``) into training and
  held-out rows;
- models: ``Ridge(alpha=1)`` / ``LogisticRegression(C=1)``, and the small
  skorch MLP of the reciprocity study (``n_features``-16-``n_out``, tanh,
  SGD lr 0.05, batches of 32, ``--max-epochs`` epochs, shuffled batches; mean
  squared error / cross entropy);
- attributions, each an ``(n_eval, n_train)`` influence matrix in skcorr's
  orientation (positive: training on the row lowers the held-out loss):
  ``influence`` (:class:`LinearInfluence`), ``influence_leverage`` (its
  leave-one-out, leverage-corrected form), ``leave_one_out`` (exact, by
  retraining without each row: :func:`leave_one_out_influence`) and, for the
  net, ``tracin`` (:class:`TracIn`, checkpoints every third of the epochs),
  ``net_leave_one_out`` (the net retrained without each row, from the same
  initial weights; skipped with ``--no-net-loo``) and ``random`` (Gaussian
  noise: the floor);
- truth: each model retrained (:func:`subset_retraining_outputs`) on
  ``--subsets`` random subsets of ``alpha`` of the training rows, for each
  ``alpha`` of ``--fractions`` (0.5, Park et al.'s choice, and 0.9: nearer
  the single removals that leave-one-out predicts), the net from the traced
  net's initial weights; LDS: :func:`linear_datamodeling_score`, mean over
  the held-out rows of the per-row Spearman correlation (and its standard
  error, ``sd / sqrt(n_eval)``).

Run (341 s of CPU measured, one job; 228 s of it the net's leave-one-out)::

    nice -n 19 python benchmarks/studies/lds.py --out DIR [--n-jobs 2]

Writes ``DIR/lds.csv`` (one row per dataset x fraction x attribution) and
prints it. Needs torch and skorch (``pip install "skcorr[torch]"``).
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetClassifier, NeuralNetRegressor

from skcorr.exceptions import SharedInitialWeightsWarning
from skcorr.influence import (
    LinearInfluence,
    TracIn,
    TracInCheckpoints,
    leave_one_out_influence,
    linear_datamodeling_score,
    subset_retraining_outputs,
)


def load(name, seed):
    """Standardised float32 features, the target and the 70/30 split."""
    loader = load_diabetes if name == "diabetes" else load_breast_cancer
    X, y = loader(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    if name == "diabetes":
        y = ((y - y.mean()) / y.std()).astype(np.float32)
    else:
        y = y.astype(np.int64)
    return train_test_split(X, y, test_size=0.3, random_state=seed)


def make_net(name, n_features, epochs, seed, callbacks=None):
    """The reciprocity study's MLP, as an unfitted skorch net; the module
    instance holds the initial weights every retraining starts from."""
    regression = name == "diabetes"
    torch.manual_seed(seed)
    module = torch.nn.Sequential(
        torch.nn.Linear(n_features, 16), torch.nn.Tanh(),
        torch.nn.Linear(16, 1 if regression else 2),
    )
    Net = NeuralNetRegressor if regression else NeuralNetClassifier
    criterion = torch.nn.MSELoss if regression else torch.nn.CrossEntropyLoss
    return Net(
        module, criterion=criterion, optimizer=torch.optim.SGD, lr=0.05,
        max_epochs=epochs, batch_size=32, train_split=None, verbose=0,
        callbacks=callbacks, iterator_train__shuffle=True,
    )


def net_targets(name, y):
    return y[:, None] if name == "diabetes" else y


def attributions(name, data, epochs, seed, net_loo, n_jobs):
    """``{model: (estimator, data, {attribution: matrix})}`` for one dataset."""
    X_train, X_eval, y_train, y_eval = data
    linear = Ridge(alpha=1.0) if name == "diabetes" else LogisticRegression(C=1.0)
    # float64 for the linear models: a float32 probability rounds to 1 on
    # confident rows, and their log-loss to 0, for every subset
    linear_data = (X_train.astype(np.float64), y_train,
                   X_eval.astype(np.float64), y_eval)
    model = clone(linear).fit(*linear_data[:2])
    matrices = {}
    for key, leverage in (("influence", False), ("influence_leverage", True)):
        matrices[key] = LinearInfluence(model, leverage_correction=leverage).fit(
            *linear_data[:2]).influence(linear_data[2], y_eval, *linear_data[:2])
    start = time.process_time()
    matrices["leave_one_out"] = leave_one_out_influence(
        linear, *linear_data, random_state=seed, n_jobs=n_jobs)
    print(f"  {name}: linear leave-one-out {time.process_time() - start:.1f} s CPU")
    matrices["random"] = np.random.RandomState(seed).randn(*matrices["influence"].shape)
    models = {type(linear).__name__: (linear, linear_data, matrices)}

    net_data = (X_train, net_targets(name, y_train), X_eval, net_targets(name, y_eval))
    template = make_net(name, X_train.shape[1], epochs, seed)
    keeper = TracInCheckpoints(checkpoint_epochs=max(1, epochs // 3))
    traced = make_net(name, X_train.shape[1], epochs, seed,
                      callbacks=[("tracin", keeper)])
    torch.manual_seed(seed)
    traced.fit(X_train, net_data[1])
    net_matrices = {"tracin": TracIn(traced).influence(
        X_eval, net_data[3], X_train, net_data[1])}
    if net_loo:
        start = time.process_time()
        net_matrices["net_leave_one_out"] = leave_one_out_influence(
            template, *net_data, random_state=seed, n_jobs=n_jobs)
        print(f"  {name}: net leave-one-out {time.process_time() - start:.1f} s CPU")
    net_matrices["random"] = matrices["random"]
    models["MLP (skorch)"] = (template, net_data, net_matrices)
    return models


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--subsets", type=int, default=100)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.5, 0.9])
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--no-net-loo", dest="net_loo", action="store_false")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore", SharedInitialWeightsWarning)  # meant
    rows = []
    for name in ("diabetes", "breast_cancer"):
        data = load(name, args.seed)
        models = attributions(name, data, args.max_epochs, args.seed, args.net_loo,
                              args.n_jobs)
        for model, (estimator, model_data, matrices) in models.items():
            for fraction in args.fractions:
                start = time.process_time()
                retraining = subset_retraining_outputs(
                    estimator, *model_data, subset_fraction=fraction,
                    n_subsets=args.subsets, random_state=args.seed,
                    n_jobs=args.n_jobs)
                seconds = time.process_time() - start
                print(f"  {name} {model} alpha={fraction}: {args.subsets} "
                      f"retrainings {seconds:.1f} s CPU")
                for attribution, matrix in matrices.items():
                    result = linear_datamodeling_score(retraining, matrix)
                    defined = result.per_example[~np.isnan(result.per_example)]
                    rows.append({
                        "dataset": name, "model": model, "alpha": fraction,
                        "attribution": attribution, "lds": result.score,
                        "standard_error": defined.std() / np.sqrt(defined.size),
                        "n_eval": defined.size, "n_subsets": args.subsets,
                    })
    table = pd.DataFrame(rows)
    table.to_csv(args.out / "lds.csv", index=False)
    with pd.option_context("display.width", 120, "display.max_rows", 100):
        print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
