"""Writes the .npy/.npz fixtures of tests/npy with NumPy, and expected.json.

Run from the repository root:  python3 tests/testdata/npy/make_fixtures.py
The values are deterministic, so running it again gives the same arrays
(.npz members carry the time of writing in their zip headers).
"""

import json
import os
import struct
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
expected = {}


def values_of(a):
    """Flattened C-order values as JSON-safe strings/numbers."""
    out = []
    for x in a.reshape(-1, order="C").tolist() if a.ndim else [a.item()]:
        if isinstance(x, complex):
            out.append([repr(x.real), repr(x.imag)])
        elif isinstance(x, bool):
            out.append(x)
        elif isinstance(x, int):
            out.append(str(x))
        else:
            out.append(repr(float(x)))
    return out


def record(name, a, **extra):
    expected[name] = {
        "descr": a.dtype.str,
        "shape": list(a.shape),
        "values": values_of(a),
        **extra,
    }


def sample(dt, shape):
    """Values that exercise the type: extremes, signs, nan/inf for floats."""
    dt = np.dtype(dt)
    n = int(np.prod(shape))
    if dt.kind == "b":
        base = np.array([(i * 7) % 3 == 0 for i in range(n)])
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        special = [info.min, info.max, 0, 1, info.max - 1, info.min + 1]
        base = np.array(
            [special[i] if i < len(special) else (i * 37) % 120 - (60 if dt.kind == "i" else 0)
             for i in range(n)],
            dtype=dt.newbyteorder("="),
        )
    elif dt.kind == "f":
        special = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).max, np.finfo(dt).tiny]
        base = np.array(
            [special[i] if i < len(special) else (i - 3) * 0.375 for i in range(n)],
            dtype=dt.newbyteorder("="),
        )
    else:
        base = np.array(
            [complex((i - 2) * 0.5, -(i * 1.25)) if i != 1 else complex(np.nan, np.inf)
             for i in range(n)],
            dtype=dt.newbyteorder("="),
        )
    return base.astype(dt).reshape(shape)


DTYPES = ["|b1", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4",
          "<i8", ">i8", "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8",
          "<c8", ">c8", "<c16", ">c16"]


def dname(descr):
    return {"|": "", "<": "le_", ">": "be_"}[descr[0]] + descr[1:]


def main():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for d in DTYPES:
            a = sample(d, (2, 3))
            name = f"dtype_{dname(d)}.npy"
            np.save(os.path.join(HERE, name), a)
            record(name, a, fortran_order=False)

        a = np.asfortranarray(sample("<f8", (2, 3, 4)))
        np.save(os.path.join(HERE, "fortran_f8.npy"), a)
        record("fortran_f8.npy", a, fortran_order=True)

        a = np.asfortranarray(sample(">i2", (3, 5)))
        np.save(os.path.join(HERE, "fortran_be_i2.npy"), a)
        record("fortran_be_i2.npy", a, fortran_order=True)

        a = np.array(2.5, dtype="<f8")
        np.save(os.path.join(HERE, "scalar_f8.npy"), a)
        record("scalar_f8.npy", a, fortran_order=False)

        a = np.array(-7, dtype=">i8")
        np.save(os.path.join(HERE, "scalar_be_i8.npy"), a)
        record("scalar_be_i8.npy", a, fortran_order=False)

        for shape, name in [((0,), "empty_0.npy"), ((3, 0, 2), "empty_3x0x2.npy")]:
            a = np.zeros(shape, dtype="<f4")
            np.save(os.path.join(HERE, name), a)
            record(name, a, fortran_order=False)

        for version in [(2, 0), (3, 0)]:
            a = sample("<i4", (4,))
            name = f"version_{version[0]}_0.npy"
            with open(os.path.join(HERE, name), "wb") as f:
                np.lib.format.write_array(f, a, version=version)
            record(name, a, fortran_order=False, version=list(version))

        # The layout of older NumPy 1.x releases: header padded to 16 bytes,
        # no spare growth spaces.
        a = sample("<f8", (3,))
        text = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
        hlen = len(text) + 1
        hlen += (16 - (10 + hlen) % 16) % 16
        header = text.ljust(hlen - 1) + "\n"
        with open(os.path.join(HERE, "numpy1_align16.npy"), "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", hlen) + header.encode("latin1"))
            f.write(a.tobytes())
        record("numpy1_align16.npy", a, fortran_order=False)

        # A header as NumPy on Python 2 wrote it: long literals with an L.
        a = sample("<u2", (2, 2))
        text = "{'descr': '<u2', 'fortran_order': False, 'shape': (2L, 2L), }"
        hlen = len(text) + 1
        hlen += (64 - (10 + hlen) % 64) % 64
        with open(os.path.join(HERE, "python2_long.npy"), "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", hlen))
            f.write((text.ljust(hlen - 1) + "\n").encode("latin1"))
            f.write(a.tobytes())
        record("python2_long.npy", a, fortran_order=False)

        # Archives: odd member sizes put later members at unaligned offsets.
        members = {
            "odd": sample("|i1", (3,)),
            "f8": sample("<f8", (5,)),
            "be_c8": sample(">c8", (2, 2)),
            "fortran": np.asfortranarray(sample("<i4", (2, 3))),
            "empty": np.zeros((0,), dtype="<u2"),
            "scalar": np.array(9.5, dtype="<f4"),
        }
        np.savez(os.path.join(HERE, "stored.npz"), **members)
        np.savez_compressed(os.path.join(HERE, "deflated.npz"), **members)
        np.savez(os.path.join(HERE, "positional.npz"), sample("<u4", (3,)), sample("|b1", (4,)))
        for name, a in members.items():
            record(f"npz:{name}", a, fortran_order=bool(a.flags.f_contiguous and not a.flags.c_contiguous))
        record("npz:arr_0", sample("<u4", (3,)), fortran_order=False)
        record("npz:arr_1", sample("|b1", (4,)), fortran_order=False)

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        f.write("{\n")
        f.write(",\n".join(f" {json.dumps(k)}: {json.dumps(expected[k])}" for k in sorted(expected)))
        f.write("\n}\n")


if __name__ == "__main__":
    main()
