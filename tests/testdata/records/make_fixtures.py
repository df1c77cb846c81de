"""Writes the record, string and datetime fixtures of tests/memmap/items_test.ts
and tests/npy/records_test.ts, and expected.json describing them.

    python3 tests/testdata/records/make_fixtures.py [OUT_DIR]

OUT_DIR defaults to this script's folder. Each case is written as raw
elements (`<case>.bin`, `ndarray.tofile`) and as `<case>.npy` (`np.save`);
`records.npz` (`np.savez`) and `records_c.npz` (`np.savez_compressed`) hold
every case as a member. expected.json gives, for each case, the dtype spec
as `dtype()` of the library takes it (and `align`), the shape, the header's
descr as NumPy writes it, and the values in C order, made JSON-able:
bytes as {"bytes": [...]}, 64-bit integers, datetime and timedelta counts
as {"big": "..."}, non-finite floats as {"float": "nan"}, complex numbers as
{"re", "im"}, records as objects in field order.
"""

import json
import os
import sys
import warnings

import numpy as np

NAT = -(2**63)


def to_np(spec):
    """The NumPy dtype argument for a spec written as dtype() takes it."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict):
        out = dict(spec)
        out["formats"] = [to_np(f) for f in spec["formats"]]
        return out
    if len(spec) == 2 and not isinstance(spec[0], list):
        return (to_np(spec[0]), tuple(spec[1]))
    fields = []
    for entry in spec:
        name = tuple(entry[0]) if isinstance(entry[0], list) else entry[0]
        item = (name, to_np(entry[1]))
        if len(entry) == 3:
            item += (tuple(entry[2]) if isinstance(entry[2], list) else entry[2],)
        fields.append(item)
    return fields


def jsonable(v, dt):
    """A value of type dt as expected.json holds it."""
    if dt.subdtype is not None:
        base, _ = dt.subdtype
        return [jsonable(x, base) for x in np.asarray(v).reshape(-1)] if np.ndim(v) == 1 else \
            [jsonable(x, np.dtype((base, np.shape(x))) if np.ndim(x) else base) for x in v]
    if dt.names is not None:
        return {n: jsonable(v[n], dt.fields[n][0]) for n in dt.names}
    if dt.kind in "Mm":
        return {"big": str(int(np.array(v, dt).view("<i8" if dt.byteorder != ">" else ">i8")))}
    if dt.kind == "S":
        return {"bytes": list(bytes(v))}
    if dt.kind == "V":
        return {"bytes": list(bytes(v))}
    if dt.kind == "U":
        return str(v)
    if dt.kind == "b":
        return bool(v)
    if dt.kind in "iu":
        return {"big": str(int(v))} if dt.itemsize == 8 else int(v)
    if dt.kind == "c":
        return {"re": jsonable(v.real, np.dtype("f8")), "im": jsonable(v.imag, np.dtype("f8"))}
    f = float(v)
    if f != f:
        return {"float": "nan"}
    if f in (float("inf"), float("-inf")):
        return {"float": "inf" if f > 0 else "-inf"}
    return f


REC = [["id", "<u4"], ["x", "<f4"], ["y", "<f4"]]
NESTED = [["a", [["b", "<i2"], ["c", ">f8"]]], ["d", "S3", [2, 2]], ["e", "<U2"], ["t", "<M8[ms]"]]

CASES = [
    ("bytes5", "S5", {}, [b"", b"a", b"hello", b"hi\x00x", b"\xff\x00\x01", b"ab\x00"]),
    ("bytes1_scalar", "S1", {}, b"z"),
    ("text_le", "<U7", {}, ["", "a", "données", "数据😀", "full7ch", "a\x00b"]),
    ("text_be", ">U7", {}, ["", "a", "données", "数据😀", "full7ch", "a\x00b"]),
    ("text_empty", "<U3", {}, []),
    ("raw4", "V4", {}, [b"\x00\x01\x02\x03", b"\xff\xfe\xfd\xfc", b"\x00\x00\x00\x00"]),
    ("dt_ns", "<M8[ns]", {}, ["2000-01-01T00:00:00.000000001", "NaT", "1969-12-31T23:59:59.999999999", "2262-04-11T23:47:16.854775807"]),
    ("dt_D", "<M8[D]", {}, ["2000-02-29", "NaT", "1900-03-01", "-0044-03-15", "9999-12-31"]),
    ("dt_s_be", ">M8[s]", {}, ["2024-05-06T07:08:09", "NaT", "1970-01-01"]),
    ("dt_Y", "<M8[Y]", {}, ["2000", "NaT", "1066"]),
    ("dt_M", "<M8[M]", {}, ["2000-02", "NaT", "1969-12"]),
    ("dt_W", "<M8[W]", {}, ["2000-01-06", "NaT", "1969-12-25"]),
    ("td_ms", "<m8[ms]", {}, [1, -1, "NaT", 86400000, 2**62]),
    ("td_h_2d", "<m8[h]", {}, [[1, 2, 3], [-4, "NaT", 6]]),
    ("rec_packed", REC, {}, [(1, 0.5, -1.5), (2, 1e30, float("nan")), (4294967295, -0.0, float("inf"))]),
    ("rec_aligned", [["a", "u1"], ["b", "<f8"], ["c", "<i2"]], {"align": True}, [(1, 2.5, -3), (255, -0.25, 32767)]),
    ("rec_offsets", {"names": ["id", "x"], "formats": ["<u4", "<f4"], "offsets": [0, 8], "itemsize": 16}, {}, [(7, 1.25), (8, -2.5)]),
    ("rec_nested", NESTED, {}, [((1, 2.5), [[b"ab", b"c"], [b"", b"xyz"]], "hé", "2020-01-02T03:04:05.678"), ((-2, -0.0), [[b"a", b"b"], [b"c", b"d"]], "", "NaT")]),
    ("rec_titles", [[["The id", "id"], "<u4"], ["x", "<f4"]], {}, [(3, 0.5), (4, 1.5)]),
    ("rec_unicode_names", [["données", "<f8"], ["数据", "<i4"], ["данные", "|b1"]], {}, [(1.5, -7, True), (-2.0, 8, False)]),
    ("rec_numeric", [["z", "<c8"], ["flag", "?"], ["h", "<f2"], ["big", ">i8"], ["u", "<u8"], ["w", ">c16"]], {}, [(1 + 2j, True, 0.5, -(2**63), 2**64 - 1, -1j), (-0.5j, False, -65504.0, 2**53 + 1, 3, 2.5)]),
    ("rec_2d", REC, {}, [[(1, 1, 1), (2, 2, 2), (3, 3, 3)], [(4, 4, 4), (5, 5, 5), (6, 6, 6)]]),
    ("rec_empty", REC, {}, []),
    ("rec_scalar", [["n", "<i2"], ["s", "S4"]], {}, (5, b"abcd")),
    ("rec_subarray_be", [["v", ">f4", [3]], ["m", "<i2", [2, 2]]], {}, [([1, 2, 3], [[1, 2], [3, 4]]), ([-1, -2, -3], [[-1, -2], [-3, -4]])]),
]


def zero_padded(b):
    """A copy of b whose bytes outside the fields are 0 (NumPy leaves them uninitialized)."""
    if b.dtype.names is None:
        return b
    a = np.zeros(b.shape, b.dtype)
    for n in b.dtype.names:
        a[n] = zero_padded(b[n]) if b.dtype.fields[n][0].names else b[n]
    return a


def arrays():
    for name, spec, opts, values in CASES:
        dt = np.dtype(to_np(spec), align=opts.get("align", False))
        yield name, spec, opts, zero_padded(np.array(values, dtype=dt))


def main(out_dir):
    from numpy.lib.format import dtype_to_descr
    expected = {}
    members = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, spec, opts, a in arrays():
            a.tofile(os.path.join(out_dir, f"{name}.bin"))
            np.save(os.path.join(out_dir, f"{name}.npy"), a)
            members[name] = a
            expected[name] = {
                "spec": spec,
                "align": bool(opts.get("align", False)),
                "shape": list(a.shape),
                "descr": repr(dtype_to_descr(a.dtype)),
                "values": [jsonable(v, a.dtype) for v in a.reshape(-1)],
            }
        np.savez(os.path.join(out_dir, "records.npz"), **members)
        np.savez_compressed(os.path.join(out_dir, "records_c.npz"), **members)
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
