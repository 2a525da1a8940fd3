#!/usr/bin/env python3
"""Independent parameter count of .cnn files, for checking the samples against published counts.

A deliberately small reading of docs/cnn-language.md, written apart from the C# parser and
analysis so the two can be compared: shapes per sample (C, H, W) or (F,), parameters split
into trainable weights and batch-norm running statistics (mean and variance, 2 per channel).

    python3 tools/param-check/cnn_params.py samples/Architectures/*.cnn
"""
import math
import re
import sys

ACTIVATIONS = {"relu", "leaky_relu", "elu", "sigmoid", "tanh", "softmax"}
LAYERS = {"conv2d", "depthwise_conv2d", "separable_conv2d", "conv2d_transpose", "maxpool2d", "avgpool2d",
          "global_avgpool", "flatten", "dense", "dropout", "batchnorm", "lrn", "upsample", "add", "concat",
          "multiply", "crop"} | ACTIVATIONS
POSITIONAL = {"conv2d": ["filters", "kernel"], "depthwise_conv2d": ["kernel"], "separable_conv2d": ["filters", "kernel"],
              "conv2d_transpose": ["filters", "kernel"], "maxpool2d": ["size"], "avgpool2d": ["size"],
              "dense": ["units"], "dropout": ["rate"], "lrn": ["radius"], "upsample": ["scale"],
              "crop": ["top", "left", "height", "width"]}


def logical_lines(text):
    """Comments stripped; a line ending in '->' or ',' or inside parentheses continues."""
    out, buf, depth = [], "", 0
    for raw in text.splitlines():
        line = re.split(r"#|//", raw, maxsplit=1)[0].strip()
        if not line and not buf:
            continue
        buf = (buf + " " + line).strip()
        depth = buf.count("(") - buf.count(")")
        if depth > 0 or buf.endswith("->") or buf.endswith(","):
            continue
        out.append(buf)
        buf = ""
    return out


def split_top(s, sep):
    parts, depth, cur, i = [], 0, "", 0
    while i < len(s):
        if s[i] == "(":
            depth += 1
        elif s[i] == ")":
            depth -= 1
        if depth == 0 and s.startswith(sep, i):
            parts.append(cur.strip())
            cur, i = "", i + len(sep)
            continue
        cur += s[i]
        i += 1
    parts.append(cur.strip())
    return parts


def pair(v):
    if isinstance(v, str) and "x" in v:
        a, b = v.split("x")
        return int(a), int(b)
    return int(v), int(v)


class Scope:
    def __init__(self, params, inp):
        self.params, self.nodes, self.last = params, {"in": inp}, inp

    def name(self, n, shape):
        if n in self.nodes:
            raise ValueError(f"duplicate node name '{n}'")
        self.nodes[n] = shape


class Net:
    def __init__(self, blocks):
        self.blocks, self.trainable, self.stats = blocks, 0, 0

    def value(self, text, scope):
        text = text.strip()
        if re.fullmatch(r"\d+x\d+(x\d+)?", text):
            return text
        if text in ("true", "false"):
            return text == "true"
        expr = re.sub(r"[A-Za-z_]\w*", lambda m: repr(scope.params[m.group(0)]) if m.group(0) in scope.params else m.group(0), text)
        try:
            v = eval(expr, {"__builtins__": {}})
            return int(v) if isinstance(v, float) and v.is_integer() and "." not in text else v
        except NameError:
            return text  # a word: same, valid, relu ...

    def args(self, text, positional, scope):
        pos, named = [], {}
        if text:
            for a in split_top(text, ","):
                m = re.fullmatch(r"([A-Za-z_]\w*)\s*:\s*(.+)", a)
                if m:
                    named[m.group(1)] = self.value(m.group(2), scope)
                else:
                    pos.append(self.value(a, scope))
        for k, v in zip(positional, pos):
            named[k] = v
        if len(pos) > len(positional):
            raise ValueError(f"too many positional arguments: {text}")
        return pos, named

    def spatial(self, shape, k, a, pool=False):
        c, h, w = shape
        kh, kw = pair(k)
        sh, sw = pair(a.get("stride", a.get("size", 1) if pool else 1))
        dh, dw = pair(a.get("dilation", 1))
        kh, kw = (kh - 1) * dh + 1, (kw - 1) * dw + 1
        pad = a.get("padding", "valid")
        if pad == "same":
            return math.ceil(h / sh), math.ceil(w / sw)
        ph, pw = (0, 0) if pad == "valid" else pair(pad)
        rnd = math.ceil if a.get("ceil", False) else math.floor
        p, q = rnd((h + 2 * ph - kh) / sh) + 1, rnd((w + 2 * pw - kw) / sw) + 1
        if a.get("ceil", False):  # PyTorch: the last window must start inside the (left-padded) input
            p -= (p - 1) * sh >= h + ph
            q -= (q - 1) * sw >= w + pw
        return p, q

    def layer(self, kind, argtext, inputs, scope):
        pos, a = self.args(argtext, POSITIONAL.get(kind, []), scope)
        x = inputs[0]
        if kind == "conv2d":
            c = x[0]
            kh, kw = pair(a["kernel"])
            self.trainable += a["filters"] * c // a.get("groups", 1) * kh * kw + (a["filters"] if a.get("bias", True) else 0)
            return (a["filters"], *self.spatial(x, a["kernel"], a))
        if kind == "depthwise_conv2d":
            m = a.get("multiplier", 1)
            kh, kw = pair(a["kernel"])
            self.trainable += x[0] * m * kh * kw + (x[0] * m if a.get("bias", True) else 0)
            return (x[0] * m, *self.spatial(x, a["kernel"], a))
        if kind == "separable_conv2d":
            m = a.get("multiplier", 1)
            kh, kw = pair(a["kernel"])
            self.trainable += x[0] * m * kh * kw + x[0] * m * a["filters"] + (a["filters"] if a.get("bias", True) else 0)
            return (a["filters"], *self.spatial(x, a["kernel"], a))
        if kind == "conv2d_transpose":
            kh, kw = pair(a["kernel"])
            sh, sw = pair(a.get("stride", 1))
            self.trainable += x[0] * a["filters"] * kh * kw + (a["filters"] if a.get("bias", True) else 0)
            pad, extra = a.get("padding", "valid"), a.get("output_padding", 0)
            if pad == "same":
                return (a["filters"], x[1] * sh, x[2] * sw)
            ph, pw = (0, 0) if pad == "valid" else pair(pad)
            return (a["filters"], (x[1] - 1) * sh - 2 * ph + kh + extra, (x[2] - 1) * sw - 2 * pw + kw + extra)
        if kind == "upsample":
            sh, sw = pair(a["scale"])
            return (x[0], x[1] * sh, x[2] * sw)
        if kind == "crop":
            h, w = (scope.nodes[a["like"]][1:] if "like" in a else (a["height"], a["width"]))
            if h > x[1] or w > x[2]:
                raise ValueError(f"crop of {x} to {h}x{w}")
            return (x[0], h, w)
        if kind in ("maxpool2d", "avgpool2d"):
            return (x[0], *self.spatial(x, a["size"], a, pool=True))
        if kind == "global_avgpool":
            return (x[0], 1, 1) if a.get("keepdims", False) else (x[0],)
        if kind == "flatten":
            return (math.prod(x),)
        if kind == "dense":
            if len(x) != 1:
                raise ValueError(f"dense on {x}")
            self.trainable += x[0] * a["units"] + (a["units"] if a.get("bias", True) else 0)
            return (a["units"],)
        if kind == "batchnorm":  # gamma unless scale: false, beta unless center: false
            self.trainable += (a.get("scale", True) + a.get("center", True)) * x[0]
            self.stats += 2 * x[0]
            return x
        if kind == "add":
            if any(i != x for i in inputs):
                raise ValueError(f"add of {inputs}")
            return x
        if kind == "multiply":
            return x
        if kind == "concat":
            if any(i[1:] != x[1:] for i in inputs):
                raise ValueError(f"concat of {inputs}")
            return (sum(i[0] for i in inputs), *x[1:])
        return x  # dropout, activations, lrn

    def element(self, text, src, scope, first):
        m = re.fullmatch(r"(?:([A-Za-z_]\w*)\s*:\s*)?([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*(?:\*\s*(\d+))?", text, re.S)
        if not m:
            raise ValueError(f"cannot read element '{text}'")
        label, kind, argtext, times = m.group(1), m.group(2), m.group(3), int(m.group(4) or 1)
        if first and kind in ("add", "concat", "multiply"):
            inputs = [scope.nodes[n.strip()] for n in split_top(argtext, ",")]
            out = self.layer(kind, "", inputs, scope)
        elif kind in LAYERS:
            out = src
            for _ in range(times):
                out = self.layer(kind, argtext, [out], scope)
        elif kind in self.blocks:
            params, body = self.blocks[kind]
            pos, named = self.args(argtext, [p for p, _ in params], scope)
            out = src
            for _ in range(times):
                bound = {p: named[p] if p in named else self.value(d, scope) for p, d in params}
                inner = Scope(bound, out)
                # A bare name of a node where the block is used makes the parameter that node.
                inner.nodes.update({p: scope.nodes[v] for p, v in bound.items() if isinstance(v, str) and v in scope.nodes})
                out = self.run(body, inner)
        else:
            raise ValueError(f"unknown layer or block '{kind}'")
        if label:
            scope.name(label, out)
        return out, label

    def run(self, statements, scope):
        for st in statements:
            m = re.fullmatch(r"([A-Za-z_]\w*)\s*=\s*(.+)", st)
            name, chain = (m.group(1), m.group(2)) if m else (None, st)
            parts = split_top(chain, "->")
            if re.fullmatch(r"[A-Za-z_]\w*", parts[0]) and parts[0] in scope.nodes and len(parts) > 1:
                cur, parts = scope.nodes[parts[0]], parts[1:]
            else:
                cur = scope.last
            label = None
            for i, p in enumerate(parts):
                cur, label = self.element(p, cur, scope, i == 0)
            if name:
                if label:
                    raise ValueError(f"'{name} = ...' and label '{label}' both name the last node")
                scope.name(name, cur)
            scope.last = cur
        return scope.last


def read_braces(lines, i):
    body = []
    while True:
        line = lines[i]
        i += 1
        if line == "}":
            return body, i
        body.append(line)


def analyse(path):
    lines = logical_lines(open(path).read())
    blocks, results, i = {}, [], 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("namespace"):
            continue
        m = re.fullmatch(r"block\s+(\w+)\s*\((.*)\)\s*\{", line)
        if m:
            params = [(p.split("=")[0].strip(), p.split("=")[1].strip() if "=" in p else None)
                      for p in split_top(m.group(2), ",") if p]
            body, i = read_braces(lines, i)
            blocks[m.group(1)] = (params, body)
            continue
        m = re.fullmatch(r"network\s+(\w+)\s*\{", line)
        if not m:
            raise ValueError(f"{path}: cannot read '{line}'")
        body, i = read_braces(lines, i)
        settings = [s for s in body if re.match(r"(input|batch|optimizer|budget|output)\s", s)]
        dims = [int(d) for d in next(s for s in settings if s.startswith("input")).split()[1].split("x")]
        net = Net(blocks)
        out = net.run([s for s in body if s not in settings], Scope({}, tuple(dims)))
        results.append((m.group(1), net.trainable, net.stats, out))
    return results


if __name__ == "__main__":
    for f in sys.argv[1:]:
        for name, trainable, stats, out in analyse(f):
            print(f"{name:12} total {trainable + stats:>12,}  without statistics {trainable:>12,}  "
                  f"statistics {stats:>7,}  output {out}")
