"""NumPy side of tests/npy/interop_test.ts.

    python3 tests/npy/_interop.py write DIR   # NumPy writes arrays + manifest.json
    python3 tests/npy/_interop.py check DIR   # NumPy checks what Deno wrote in DIR/deno

The manifest has the same format as tests/testdata/npy/expected.json.
"""

import io
import json
import os
import sys
import warnings

import numpy as np

sys.dont_write_bytecode = True  # keep __pycache__ out of tests/testdata
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "npy"))
from make_fixtures import DTYPES, dname, sample, values_of  # noqa: E402

VERSIONS = [(1, 0), (2, 0), (3, 0)]


def cases():
    """(file name, array, version) for every dtype, order, version and shape."""
    out = []
    for d in DTYPES:
        for order in "CF":
            for v in VERSIONS:
                a = sample(d, (3, 4, 5))
                if order == "F":
                    a = np.asfortranarray(a)
                out.append((f"{dname(d)}_{order}_v{v[0]}.npy", a, v))
        out.append((f"{dname(d)}_scalar.npy", sample(d, (1,)).reshape(()), None))
        out.append((f"{dname(d)}_noncontig.npy", sample(d, (6, 5))[::2, ::-1], None))
    for shape in [(0,), (2, 0, 3), (0, 0)]:
        out.append((f"empty_{'x'.join(map(str, shape))}.npy", np.zeros(shape, ">f8"), None))
    rng = np.random.default_rng(1234)
    out.append(("random_f8.npy", rng.standard_normal((100, 37)), None))
    out.append(("random_u2_F.npy", np.asfortranarray(rng.integers(0, 65535, (50, 41), dtype="<u2")), None))
    return out


def members():
    """Members of the archives: odd byte sizes put the next member off alignment."""
    m = {f"odd{n}": np.arange(n, dtype="i1") - 3 for n in range(1, 8)}
    for d in ["<f8", ">c16", "<i4", "|b1", ">f2"]:
        m[f"m_{dname(d)}"] = sample(d, (3, 5))
    m["fortran"] = np.asfortranarray(sample("<u8", (4, 3)))
    m["scalar"] = np.array(1.5, dtype=">f4")
    m["empty"] = np.zeros((0, 4), dtype="<i2")
    return m


def write(out_dir):
    manifest = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, a, v in cases():
            with open(os.path.join(out_dir, name), "wb") as f:
                np.lib.format.write_array(f, a, version=v)
            manifest[name] = {
                "descr": a.dtype.str,
                "shape": list(a.shape),
                "fortran_order": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
                "version": list(v or (1, 0)),
                "values": values_of(a),
            }
        m = members()
        np.savez(os.path.join(out_dir, "mixed.npz"), **m)
        np.savez_compressed(os.path.join(out_dir, "mixed_c.npz"), **m)
        for key, a in m.items():
            manifest[f"npz:{key}"] = {
                "descr": a.dtype.str,
                "shape": list(a.shape),
                "fortran_order": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
                "values": values_of(a),
            }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f)


def same(a, b, what):
    assert a.dtype == b.dtype and a.dtype.str == b.dtype.str, f"{what}: dtype {b.dtype.str} != {a.dtype.str}"
    assert a.shape == b.shape, f"{what}: shape {b.shape} != {a.shape}"
    assert a.tobytes() == b.tobytes(), f"{what}: values differ"
    assert a.flags.f_contiguous == b.flags.f_contiguous or a.ndim < 2, f"{what}: order differs"


def np_save_bytes(a, version=None):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.lib.format.write_array(buf, a, version=version)
    return buf.getvalue()


def check(out_dir):
    deno = os.path.join(out_dir, "deno")
    n = 0
    for name, a, v in cases():
        # save(): same bytes as np.save of the same array.
        path = os.path.join(deno, "save", name)
        b = np.load(path)
        same(a, b, path)
        with open(path, "rb") as f:
            assert f.read() == np_save_bytes(a), f"{path}: bytes differ from np.save"
        # openMemmap("w+") with the same version, filled by assign().
        path = os.path.join(deno, "open_memmap", name)
        b = np.load(path, mmap_mode="r")
        same(a, b, path)
        with open(path, "rb") as f:
            contiguous = a.flags.c_contiguous or a.flags.f_contiguous
            expected = np_save_bytes(a if contiguous else np.ascontiguousarray(a), v)
            assert f.read() == expected, f"{path}: bytes differ from open_memmap"
        n += 2
    m = members()
    for archive in ["savez.npz", "savez_compressed.npz"]:
        path = os.path.join(deno, archive)
        with np.load(path) as z:
            assert z.files == list(m), f"{path}: files {z.files}"
            for key, a in m.items():
                same(a, z[key], f"{path}:{key}")
                n += 1
    print(f"checked {n} arrays written by Deno")


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
