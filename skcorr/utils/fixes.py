"""Every private scikit-learn name skcorr uses, imported in this one place.

scikit-learn keeps parameter validation, the fit context, the scorer base, the
metadata-routing helpers and a few input checks private (underscored names or
modules), yet its own extensions, imbalanced-learn among them
(``imblearn/utils/fixes.py``), are built on them. skcorr imports them from here
only, so that a change in scikit-learn is met in one file.

Version range: scikit-learn 1.6 (the lowest ``setup.cfg`` accepts, where all
of these names exist) to 1.9; the test suite is run on scikit-learn 1.9.1.
Where a public equivalent exists it is used instead and not listed here
(``sklearn.utils.metaestimators.available_if``).

One private scipy kernel is here too, for the same reason: ``csc_matvecs``
of ``scipy.sparse._sparsetools`` (scipy 1.x), which adds a sparse product
into its output in place (``Y += A @ X``) and serves the group sums of
:func:`skcorr.influence.influence_flows`. Where a scipy has moved it,
``add_csc_product`` is None and the callers take scipy's public sparse
product instead (the same sums, slower).
"""

from sklearn.base import _fit_context
from sklearn.metrics._scorer import _BaseScorer
from sklearn.utils import _safe_indexing
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.metadata_routing import _raise_for_params, _routing_enabled
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.validation import (
    _check_method_params,
    _check_sample_weight,
    _num_samples,
)

try:  # scipy's kernel of sparse @ dense, which adds into its output: Y += A @ X
    from scipy.sparse._sparsetools import csc_matvecs as add_csc_product
except ImportError:  # pragma: no cover - a scipy that moved it
    add_csc_product = None

__all__ = [
    "add_csc_product",
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_BaseComposition",
    "_BaseScorer",
    "_check_method_params",
    "_check_sample_weight",
    "_fit_context",
    "_get_output_config",
    "_num_samples",
    "_raise_for_params",
    "_routing_enabled",
    "_safe_indexing",
    "check_matplotlib_support",
    "validate_params",
]
