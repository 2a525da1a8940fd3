#!/usr/bin/env python3
"""Compares NetGen's first training step with PyTorch's in float64 (bench/gpu/README.md, "drift").

Reads a work folder that NetGen.GpuBench wrote with `--dump yes`: per network, init.safetensors,
batches.safetensors, gradients.safetensors (NetGen's gradient of batch 0 before any update) and
step1.safetensors (NetGen's weights after step 1). Builds the same model as torch_bench.py in
float64 from the same weights, takes the gradient of batch 0 and one SGD step (the first step's
momentum buffer is the gradient itself, so the update is lr x gradient), and prints, per trainable
tensor, the relative error of NetGen's gradient (|g_netgen - g_torch| / |g_torch|, 2-norms) and of
its update (|w1_netgen - w1_torch| / |w1_torch - w0|).

ReLU kinks. A ReLU's derivative jumps at 0: an input that float64 puts within float32 rounding of 0
(|x| < --kink x the RMS of its tensor) may fall on the other side in NetGen's float32 forward, and
then that one element's whole gradient flows (or stops) there. That is rounding, not a wrong
backward, but in a deep network at 4 samples it moves a batch norm's bias gradient by percents. So
the script lists every such element, and tries each one flipped (its derivative taken from the other
side; the forward is unchanged), keeping a flip when it brings the gradients closer to NetGen's
(greedy, nearest first, at most --max-flips trials, each a float64 forward and backward; --relus
limits them to the ReLUs named). The table shows the errors against both references; with --check,
exits 1 when any gradient is off by more than --tolerance against the kink-resolved one.
"""
import argparse
import json
import os
import sys

import torch

import torch_bench
from torch_bench import build, load_weights, network_names, read_safetensors


class KinkRelu(torch.autograd.Function):
    """torch.relu whose backward passes (or stops) the gradient at the elements of a given flip mask."""

    @staticmethod
    def forward(ctx, x, flip):
        passes = x > 0
        if flip is not None:
            passes = passes ^ flip
        ctx.save_for_backward(passes)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        (passes,) = ctx.saved_tensors
        return grad * passes, None


class Reference:
    """The float64 gradient of batch 0, with the ReLU inputs of the last run recorded by call (named as NetGen names them)."""

    def __init__(self, meta, weights, x, y):
        self.model = build(meta["network"], meta["classes"])
        load_weights(self.model, weights, meta["network"])
        self.model = self.model.double().train()
        self.x, self.y = x, y
        self.block = ""
        self.relu_in_block = 0
        for name, module in self.model.named_modules():
            if isinstance(module, torch_bench.Basic):
                module.register_forward_pre_hook(lambda m, i, name=name: self._enter(name))

    def _enter(self, name):
        self.block, self.relu_in_block = name + ".", 0

    def gradients(self, flips):
        """{parameter: float64 gradient}, the loss, and [(ReLU name, its input)] in call order; flips: {call index: bool mask}."""
        calls = []

        def relu(x):
            index = len(calls)
            name = self.block + ("relu_1" if self.relu_in_block == 0 else "out") if self.block else f"relu_{index + 1}"
            self.relu_in_block += 1
            calls.append((name, x.detach()))
            return KinkRelu.apply(x, flips.get(index))

        saved, torch_bench.relu = torch_bench.relu, relu
        try:
            self.block, self.relu_in_block = "", 0
            self.model.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(self.model(self.x), self.y)
            loss.backward()
        finally:
            torch_bench.relu = saved
        return {n: p.grad.detach().clone() for n, p in self.model.named_parameters()}, loss.item(), calls


def relative(a, b):
    return (a - b).norm().item() / max(b.norm().item(), 1e-300)


def mismatch(netgen, reference):
    """Sum over tensors of the squared relative gradient error: what the flips try to lower."""
    return sum(relative(netgen[n], g) ** 2 for n, g in reference.items())


def compare(folder, kink, max_flips, relus):
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    weights = read_safetensors(os.path.join(folder, "init.safetensors"))
    data = read_safetensors(os.path.join(folder, "batches.safetensors"))
    netgen = {k: v.double() for k, v in read_safetensors(os.path.join(folder, "gradients.safetensors")).items()}
    step1 = read_safetensors(os.path.join(folder, "step1.safetensors"))
    reference = Reference(meta, weights, data["inputs"][0].double(), data["labels"][0].to(torch.int64))
    plain, loss, calls = reference.gradients({})
    missing = [n for n in plain if n not in netgen]
    if missing:
        raise ValueError(f"{folder}: gradients.safetensors lacks {', '.join(missing)}")

    # Elements within rounding of a kink, nearest first.
    near = []
    for index, (name, x) in enumerate(calls):
        if relus and name not in relus:
            continue
        rms = x.pow(2).mean().sqrt().item()
        for flat in torch.nonzero(x.abs().flatten() < kink * rms).flatten().tolist():
            near.append((abs(x.flatten()[flat].item()) / rms, index, name, flat, x.flatten()[flat].item(), tuple(x.shape)))
    near.sort()
    flips, kept, best = {}, [], mismatch(netgen, plain)
    resolved = plain
    for _, index, name, flat, value, shape in near[:max_flips]:
        trial = dict(flips)
        mask = trial[index].clone() if index in trial else torch.zeros(shape, dtype=torch.bool)
        mask.view(-1)[flat] = True
        trial[index] = mask
        grads, _, _ = reference.gradients(trial)
        score = mismatch(netgen, grads)
        if score < 0.5 * best:
            flips, best, resolved = trial, score, grads
            kept.append((name, shape, flat, value))

    lr = meta["lr"]
    rows = []
    for name, g in plain.items():
        w0 = weights[name].double()
        update_errors = []
        for ref in (g, resolved[name]):
            w1 = w0 - lr * ref
            update_errors.append((step1[name].double() - w1).norm().item() / max((w1 - w0).norm().item(), 1e-300))
        rows.append((name, list(g.shape), relative(netgen[name], g), relative(netgen[name], resolved[name]), *update_errors))
    return meta, loss, rows, near, kept


def position(shape, flat):
    """(sample, channel, row, column) of a flat index into an (N, C, H, W) or (N, F) tensor."""
    out = []
    for d in reversed(shape):
        out.append(flat % d)
        flat //= d
    return tuple(reversed(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, help="the folder NetGen.GpuBench --dump yes wrote")
    parser.add_argument("--networks", help="comma-separated (default: every network in the work folder with gradients)")
    parser.add_argument("--kink", type=float, default=1e-5, help="a ReLU input within this x its tensor's RMS of 0 is 'at a kink'")
    parser.add_argument("--max-flips", type=int, default=32, help="kink elements tried, nearest first")
    parser.add_argument("--relus", help="comma-separated ReLU names (NetGen's, e.g. layer2_0.out): try kinks in these only")
    parser.add_argument("--check", action="store_true", help="exit 1 when a gradient is off by more than --tolerance (kinks resolved)")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    if not os.path.isdir(args.work):
        print(f"--work: error: '{args.work}' is not a folder (run NetGen.GpuBench with --dump yes first)", file=sys.stderr)
        return 1
    names = network_names(args.work, args.networks, "gradients.safetensors")
    if not names:
        print(f"{args.work}: error: no gradients.safetensors here (run NetGen.GpuBench with --dump yes)", file=sys.stderr)
        return 1
    worst_plain = worst = 0.0
    for name in names:
        if not os.path.isfile(os.path.join(args.work, name, "gradients.safetensors")):
            print(f"{args.work}/{name}: error: no gradients.safetensors (run NetGen.GpuBench with --dump yes)", file=sys.stderr)
            return 1
        meta, loss, rows, near, kept = compare(os.path.join(args.work, name), args.kink, args.max_flips, set(args.relus.split(",")) if args.relus else None)
        print(f"## {name}: batch {meta['batch']}, float64 loss {loss:.9g}")
        where = f" in {args.relus}" if args.relus else ""
        print(f"ReLU inputs within {args.kink:g} x RMS of 0{where}: {len(near)}; flipped to match NetGen: {len(kept)}")
        for relu, shape, flat, value in kept:
            print(f"- {relu} {position(shape, flat)} (N, C, H, W): float64 input {value:.3e}")
        print()
        print("| tensor | shape | gradient error | kinks resolved | update error | kinks resolved |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for tensor, shape, g_plain, g_resolved, u_plain, u_resolved in rows:
            print(f"| {tensor} | {'x'.join(map(str, shape))} | {g_plain:.2e} | {g_resolved:.2e} | {u_plain:.2e} | {u_resolved:.2e} |")
            worst_plain, worst = max(worst_plain, g_plain), max(worst, g_resolved)
        print()
    print(f"largest gradient relative error: {worst_plain:.2e} against float64, {worst:.2e} with the ReLU kinks resolved")
    if args.check and not worst <= args.tolerance:
        print(f"error: a gradient is off by {worst:.2e} with the kinks resolved, over the tolerance {args.tolerance:.0e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
