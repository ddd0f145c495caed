"""PyTorch side of `npm run bench -- runtime`: the same models on the same data as the tfjs side.

Reads the data the TypeScript suite wrote (raw little-endian float32/int32 files plus meta.json),
trains each model for the requested epochs at the requested thread count and prints one JSON
object on stdout: {"torch": version, "threads": n, "mlp": {...}, "two_tower": {...}}.
Run with the system interpreter that has Debian's python3-torch: /usr/bin/python3.

Thread pinning: Debian's torch calls OpenBLAS (the pthread build) for its GEMMs, and OpenBLAS
starts one thread per core regardless of torch.set_num_threads — with only set_num_threads(1)
the "one-thread" run used both cores (process CPU seconds ≈ 2 × wall). So --threads N is applied
to OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS *before* torch (and numpy) are
imported, and then to torch.set_num_threads / set_num_interop_threads.
"""

import argparse
import json
import os
import sys
import time


def _pin_threads_from_argv():
    """Reads --threads from argv and pins the BLAS/OpenMP pools before torch is imported."""
    n = "1"
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            n = sys.argv[i + 1]
        elif a.startswith("--threads="):
            n = a.split("=", 1)[1]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = n


_pin_threads_from_argv()

import numpy as np  # noqa: E402  (imported after the thread pinning above, on purpose)
import torch  # noqa: E402
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def load(data_dir, name, dtype, shape):
    return torch.from_numpy(np.fromfile(os.path.join(data_dir, name), dtype=dtype).reshape(shape))


class Mlp(nn.Module):
    """7 -> 128 -> 64 -> 1, each hidden layer Linear -> ReLU -> BatchNorm -> Dropout(0.2) (as the tfjs side)."""

    def __init__(self, d_in):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(d_in, 128), nn.ReLU(), nn.BatchNorm1d(128, eps=1e-3, momentum=0.01), nn.Dropout(0.2),
            nn.Linear(128, 64), nn.ReLU(), nn.BatchNorm1d(64, eps=1e-3, momentum=0.01), nn.Dropout(0.2),
            nn.Linear(64, 1),
        )

    def forward(self, x):
        return self.net(x)


class Tower(nn.Module):
    def __init__(self, rows, dim, sparse):
        super().__init__()
        self.emb = nn.Embedding(rows, dim, sparse=sparse)
        nn.init.uniform_(self.emb.weight, -0.05, 0.05)
        self.l1 = nn.Linear(dim, dim)
        self.l2 = nn.Linear(dim, dim)

    def forward(self, ids):
        return F.normalize(self.l2(F.relu(self.l1(self.emb(ids)))), dim=-1)


def time_epochs(epochs, run_epoch):
    run_epoch(warmup=True)
    walls, cpus = [], []
    for _ in range(epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        loss = run_epoch(warmup=False)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), loss


def bench_mlp(data_dir, meta, epochs):
    n, d = meta["mlp"]["rows"], meta["mlp"]["features"]
    batch = meta["mlp"]["batch"]
    x = load(data_dir, "mlp_x.f32", np.float32, (n, d))
    y = load(data_dir, "mlp_y.f32", np.float32, (n, 1))
    torch.manual_seed(1)
    model = Mlp(d)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()

    def run_epoch(warmup):
        total, steps = 0.0, 0
        for start in range(0, n, batch):
            xb, yb = x[start:start + batch], y[start:start + batch]
            opt.zero_grad(set_to_none=True)
            loss = F.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
            if warmup and steps >= 20:
                break
        return total / steps

    seconds, cpu, loss = time_epochs(epochs, run_epoch)
    return {"seconds_per_epoch": seconds, "cpu_seconds_per_epoch": cpu, "final_loss": loss, "steps_per_epoch": (n + batch - 1) // batch}


def bench_two_tower(data_dir, meta, epochs, sparse):
    tt = meta["two_tower"]
    n, batch, dim = tt["interactions"], tt["batch"], tt["dim"]
    users = load(data_dir, "tt_users.i32", np.int32, (n,)).long()
    items = load(data_dir, "tt_items.i32", np.int32, (n,)).long()
    torch.manual_seed(2)
    ut, it = Tower(tt["users"], dim, sparse), Tower(tt["items"], dim, sparse)
    emb_params = [ut.emb.weight, it.emb.weight]
    dense_params = [p for m in (ut, it) for name, p in m.named_parameters() if not name.startswith("emb")]
    if sparse:
        opts = [torch.optim.SparseAdam(emb_params, lr=1e-3), torch.optim.Adam(dense_params, lr=1e-3)]
    else:
        opts = [torch.optim.Adam(emb_params + dense_params, lr=1e-3)]
    temperature = tt["temperature"]

    def run_epoch(warmup):
        total, steps = 0.0, 0
        for start in range(0, n - batch + 1, batch):
            u, i = users[start:start + batch], items[start:start + batch]
            for o in opts:
                o.zero_grad(set_to_none=True)
            logits = ut(u) @ it(i).T / temperature
            loss = F.cross_entropy(logits, torch.arange(batch))
            loss.backward()
            for o in opts:
                o.step()
            total += loss.item()
            steps += 1
            if warmup and steps >= 5:
                break
        return total / steps

    seconds, cpu, loss = time_epochs(epochs, run_epoch)
    return {"seconds_per_epoch": seconds, "cpu_seconds_per_epoch": cpu, "final_loss": loss, "steps_per_epoch": n // batch}


def blas_library():
    """The BLAS shared object torch loaded (from /proc/self/maps), e.g. openblas-pthread/libblas.so.3."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]}
        return sorted(libs)
    except OSError:
        return []


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    with open(os.path.join(args.data, "meta.json")) as f:
        meta = json.load(f)
    out = {"torch": torch.__version__, "threads": args.threads,
           "env": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
           "blas": blas_library()}
    out["mlp"] = bench_mlp(args.data, meta, args.epochs)
    dense = bench_two_tower(args.data, meta, args.epochs, sparse=False)
    sparse = bench_two_tower(args.data, meta, args.epochs, sparse=True)
    best = dense if dense["cpu_seconds_per_epoch"] <= sparse["cpu_seconds_per_epoch"] else sparse
    out["two_tower"] = {**best, "variant": "dense Adam" if best is dense else "SparseAdam + Adam",
                        "dense_adam_seconds_per_epoch": dense["seconds_per_epoch"],
                        "sparse_adam_seconds_per_epoch": sparse["seconds_per_epoch"],
                        "dense_adam_cpu_seconds_per_epoch": dense["cpu_seconds_per_epoch"],
                        "dense_adam_final_loss": dense["final_loss"],
                        "sparse_adam_final_loss": sparse["final_loss"],
                        "sparse_adam_cpu_seconds_per_epoch": sparse["cpu_seconds_per_epoch"]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
