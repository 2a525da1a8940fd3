#!/usr/bin/env python3
"""The GPU benchmark's table: NetGen's and PyTorch's JSON lines side by side (bench/gpu/README.md).

    report.py NETGEN.jsonl [TORCH.jsonl] [--check]

One markdown row per network: batch, images/s of NetGen, PyTorch eager and torch.compile, the
ratios, the first-step loss agreement (relative difference; within 1e-3 on a GPU, 1e-5 on the CPU)
and the largest relative difference over the first three steps, the card and the date. With
--check, exits 1 when a first-step loss disagrees. Needs no torch.
"""
import json
import sys

FIRST_STEPS = 3


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-12)


def main(argv):
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    netgen = read(paths[0])
    torch_lines = read(paths[1]) if len(paths) > 1 else []
    torch = {(t["network"], t["mode"]): t for t in torch_lines}
    print("| network | batch | NetGen img/s | PyTorch eager img/s | torch.compile img/s | NetGen / eager | NetGen / compile "
          "| first-step loss (NetGen, PyTorch, rel. diff) | max rel. diff, steps 1-3 | card | date |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |")
    failed = []
    for n in netgen:
        eager, compiled = torch.get((n["network"], "eager")), torch.get((n["network"], "compile"))
        tolerance = 1e-5 if n["device"] == "cpu" else 1e-3

        def speed(t):
            if t is None:
                return "not run"
            return f"{t['images_per_s']:,.1f}" if "images_per_s" in t else "failed: " + t.get("error", "?")

        def ratio(t):
            return f"{n['images_per_s'] / t['images_per_s']:.2f}x" if t and "images_per_s" in t else "-"

        agreement, drift = "no PyTorch run", "-"
        if eager and "losses" in eager:
            a, b = n["losses"][0], eager["losses"][0]
            d = rel(a, b)
            ok = d <= tolerance
            if not ok:
                failed.append(f"{n['network']}: first-step loss NetGen {a:.7g}, PyTorch {b:.7g}, relative {d:.2e} > {tolerance:g}")
            agreement = f"{a:.6f}, {b:.6f}, {d:.1e} ({'ok' if ok else 'FAIL'}, tol {tolerance:g})"
            steps = min(FIRST_STEPS, len(n["losses"]), len(eager["losses"]))
            drift = f"{max(rel(n['losses'][i], eager['losses'][i]) for i in range(steps)):.1e}"
        card = n["device_name"] if not eager else f"{n['device_name']} / {eager['device_name']}"
        print(f"| {n['network']} | {n['batch']} | {n['images_per_s']:,.1f} | {speed(eager)} | {speed(compiled)} | {ratio(eager)} "
              f"| {ratio(compiled)} | {agreement} | {drift} | {card} | {n['date']} |")
    for line in failed:
        print("loss disagreement: " + line, file=sys.stderr)
    return 1 if check and failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
