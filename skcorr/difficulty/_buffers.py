"""Where recorded training dynamics are kept: memory or a numpy memmap.

Used by :func:`~skcorr.difficulty.record_dynamics` (scikit-learn estimators)
and by the skorch callback :class:`~skcorr.difficulty.TrainingDynamics`; it
needs neither torch nor skorch.
"""

import numpy as np


class DynamicsBuffer:
    """Records of shape (n_samples, n_records, n_columns), in memory or in a
    numpy memmap (preallocated for ``max_records`` records)."""

    def __init__(self, memmap=None, max_records=None):
        self.memmap = memmap
        self.max_records = max_records
        self.records = []
        self.array = None
        self.n_records = 0

    def append(self, values):
        values = np.asarray(values, dtype=np.float64)
        if self.memmap is None:
            self.records.append(values)
        else:
            if self.array is None:
                shape = (values.shape[0], self.max_records, values.shape[1])
                self.array = np.lib.format.open_memmap(
                    self.memmap, mode="w+", dtype=np.float64, shape=shape
                )
            if self.n_records >= self.max_records:
                raise ValueError(
                    f"The memmap holds {self.max_records} records and is full; "
                    "train for fewer epochs or record less often."
                )
            self.array[:, self.n_records] = values
            self.array.flush()
        self.n_records += 1

    def result(self):
        if self.memmap is None:
            if not self.records:
                return None
            return np.stack(self.records, axis=1)
        if self.array is None:
            return None
        return self.array[:, : self.n_records]
