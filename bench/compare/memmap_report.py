"""NumPy side of bench/compare/memmap_report.ts: prints one JSON line of figures.

Usage: python3 memmap_report.py TASK PATH [N]
"""
import json, sys, time
import numpy as np


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_kib():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


task, path = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
out = {}
if task == "sum":
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        m = np.memmap(path, dtype="float64", mode="r")
        s = float(m.sum())
        del m
        best = min(best, time.perf_counter() - t)
    out = {"seconds": best, "sum": s}
elif task == "fill":
    t = time.perf_counter()
    fp = np.memmap(path, dtype="float64", mode="w+", shape=(n, n))
    data = np.arange(n, dtype="float64")
    for i in range(n):
        fp[i] = data * i
    fp.flush()
    del fp
    out = {"seconds": time.perf_counter() - t}
elif task == "column":
    before = rss_kib()
    fp = np.memmap(path, dtype="float64", mode="r", shape=(n, n))
    col = fp[15000:, 15000]
    s = float(col.sum())
    out = {"sum": s, "rss_growth_kib": peak_kib() - before}
elif task == "sumall":
    before = rss_kib()
    t = time.perf_counter()
    fp = np.memmap(path, dtype="float64", mode="r")
    s = float(fp.sum())
    out = {"sum": s, "seconds": time.perf_counter() - t, "rss_growth_kib": peak_kib() - before}
elif task == "getset":
    fp = np.memmap(path, dtype="float64", mode="r+", shape=(8192, n // 8192))
    cols = n // 8192
    k = 1_000_000
    t = time.perf_counter()
    acc = 0.0
    for i in range(k):
        acc += fp[i & 8191, (i * 7) % cols]
    out = {"get_per_second": k / (time.perf_counter() - t)}
print(json.dumps(out))
