"""Regenerates the numpy-made test files in this folder (python3 make_numpy_fixtures.py).

NumpyCompatibilityTest checks that NpzReader reads what numpy writes; the values follow simple
formulas that the test recomputes, so the files need no companion expectations.
"""
import io
import zipfile

import numpy as np


def arrays():
    return {
        "f4": (np.arange(12, dtype=np.float32).reshape(3, 4) / 4 - 1),
        "f8": (np.arange(6, dtype=np.float64).reshape(2, 3) / 3 - 0.5),
        "i1": np.arange(-6, 6, dtype=np.int8),
        "u1": np.array([0, 1, 127, 128, 254, 255], dtype=np.uint8),
        "i4": np.array([-2**31, -1, 0, 1, 2**31 - 1], dtype=np.int32),
        "i8": np.array([-2**63, -1, 0, 1, 2**63 - 1], dtype=np.int64),
        "b1": np.array([[True, False, True], [False, False, True]]),
        "f4_big_endian": (np.arange(12, dtype=np.float32).reshape(3, 4) / 4 - 1).astype(">f4"),
        "i8_big_endian": np.array([-2**63, -1, 0, 1, 2**63 - 1], dtype=">i8"),
        "scalar": np.float32(2.5).reshape(()),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }


np.savez("numpy_stored.npz", **arrays())
np.savez_compressed("numpy_compressed.npz", **arrays())
np.save("numpy_single.npy", arrays()["f4"])
for version in [(2, 0), (3, 0)]:
    with open(f"numpy_v{version[0]}.npy", "wb") as f:
        np.lib.format.write_array(f, arrays()["f4"], version=version)

# files numpy writes that BitPlan must refuse with a clear message
np.save("numpy_fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save("numpy_object.npy", np.array([1, "two", None], dtype=object), allow_pickle=True)
np.save("numpy_float16.npy", np.arange(4, dtype=np.float16))
np.save("numpy_structured.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", "<i8")]))
np.save("numpy_strings.npy", np.array(["a", "bc"]))
