"""The estimator instances that the common tests check, and their known failures.

As scikit-learn's ``sklearn/utils/_test_common/instance_generator.py`` and
imbalanced-learn's ``imblearn/utils/_test_common/instance_generator.py`` do,
the instances live with the tests, not on the production classes: an
estimator that needs arguments (a wrapped estimator, a pattern) gets them
here; any other is checked with its defaults.
"""

from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skcorr.difficulty import ExampleDifficulty
from skcorr.ensemble import (
    CommitteeClassifier,
    CommitteeRegressor,
    MLPBackbone,
    SeedEnsembleClassifier,
    SeedEnsembleRegressor,
)
from skcorr.spurious import (
    SpuriousInjectionClassifier,
    SpuriousInjector,
    SpuriousPatternTransformer,
    make_pattern,
)
from skcorr.utils.discovery import all_estimators
from skcorr.utils.optional import torch_available


def _pattern(**kwargs):
    return make_pattern("R2", None, random_state=0, **kwargs)


def _backbones():
    # Without torch there is nothing to check (fit would fail to import it).
    if not torch_available():
        return []
    return [MLPBackbone((8, 4), max_epochs=2, random_state=0)]


# Estimator class -> function returning the instances to check.
INSTANCES = {
    CommitteeClassifier: lambda: [
        CommitteeClassifier(
            [
                ("tree", DecisionTreeClassifier(max_depth=4)),
                ("logistic", LogisticRegression()),
            ],
            n_seeds=2,
            random_state=0,
        )
    ],
    CommitteeRegressor: lambda: [
        CommitteeRegressor(
            [("tree", DecisionTreeRegressor(max_depth=4)), ("ridge", Ridge())],
            n_seeds=2,
            random_state=0,
        )
    ],
    ExampleDifficulty: lambda: [
        ExampleDifficulty(SGDClassifier(loss="log_loss", max_iter=5), n_seeds=2,
                          max_epochs=2, random_state=0)
    ],
    MLPBackbone: _backbones,
    SeedEnsembleClassifier: lambda: [
        SeedEnsembleClassifier(DecisionTreeClassifier(max_depth=4), n_seeds=3,
                               random_state=0),
        SeedEnsembleClassifier(
            DecisionTreeClassifier(max_depth=4),
            n_seeds=3,
            max_samples=0.8,
            bootstrap=True,
            max_features=0.8,
            voting="soft",
            random_state=0,
        ),
    ],
    SeedEnsembleRegressor: lambda: [
        SeedEnsembleRegressor(DecisionTreeRegressor(max_depth=4), n_seeds=3,
                              random_state=0),
        SeedEnsembleRegressor(Ridge(), n_seeds=2, shared_fraction=0.7,
                              random_state=0),
    ],
    SpuriousInjectionClassifier: lambda: [
        SpuriousInjectionClassifier(LogisticRegression(), _pattern(), n_examples=0)
    ],
    SpuriousInjector: lambda: [SpuriousInjector(_pattern(), n_examples=0)],
    SpuriousPatternTransformer: lambda: [
        SpuriousPatternTransformer(_pattern(value_range=None))
    ],
}


def estimator_instances():
    """Yield every instance to check: one or more per public estimator."""
    for _, Estimator in all_estimators():
        make = INSTANCES.get(Estimator)
        yield from (make() if make is not None else [Estimator()])


def _sampling_failures(ensemble):
    """Checks that cannot hold when members see a sample of the rows."""
    if (
        ensemble.max_samples is None
        and not ensemble.bootstrap
        and ensemble.shared_fraction is None
    ):
        return {}
    reason = (
        "members train on a random sample of the rows: a zero weight and a removed "
        "row change which rows are drawn"
    )
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


# Estimator class -> function of the instance returning {check name: reason}.
EXPECTED_FAILED_CHECKS = {
    SeedEnsembleClassifier: _sampling_failures,
    SeedEnsembleRegressor: _sampling_failures,
}


def expected_failed_checks(estimator):
    """The checks ``estimator`` is known to fail, with the reason of each."""
    failures = EXPECTED_FAILED_CHECKS.get(type(estimator))
    return {} if failures is None else failures(estimator)
