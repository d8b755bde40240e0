#!/usr/bin/python3
"""Independent oracle for the vector view (src/core/vector.ts): PyTorch float64.

For each network of test/unit/vectorCases.ts (the same networks as examples/*.ts) this writes
the inputs, the gradient of the loss with respect to every array, the Jacobian of every edge
between arrays (torch.autograd.functional.jacobian of the edge's function with the other arrays
held fixed, reshaped to numel(out) × numel(in)) and, for the minibatch, each sample's
contribution to the parameter gradients.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/vector-jacobians.py
Writes test/unit/fixtures/vector-jacobians.json (checked in, so the unit tests need no torch).
"""
import json
import os

import torch
from torch.autograd.functional import jacobian

torch.set_default_dtype(torch.float64)
T = torch.tensor


def mv(W, x):
    return W @ x


def relu(z):
    return torch.relu(z)


def sigmoid(a):
    return 1 / (1 + torch.exp(-a))


def running_sum(terms):
    """[t0, t0 + t1, ...] as separate tensors, each step built on the previous one (a loop's `acc += t`)."""
    out, acc = [], T(0.0)
    for k in range(terms.shape[0]):
        acc = acc + terms[k]
        out.append(acc)
    return out


def shifted(parts):
    """The previous running value of each step, held fixed: [0, s0, s1, ...]."""
    return torch.stack([T(0.0)] + [p.detach() for p in parts[:-1]])


def case(inputs, build, root_name):
    """build(vars) -> (groups: dict name -> tensor, edges: dict 'A->B' -> (fn of A, A name))."""
    leaves = {k: T(v, requires_grad=True) for k, v in inputs.items() if not isinstance(v, int)}
    groups, edges = build(leaves)
    # A list of scalar tensors is a loop's running value (each step its own tensor, like the tape).
    for g in groups.values():
        for part in g if isinstance(g, list) else [g]:
            if not part.is_leaf:
                part.retain_grad()
    root = groups[root_name]
    root.reshape(-1)[-1].backward() if root.numel() > 1 else root.backward()
    grads = {}
    for name, g in groups.items():
        parts = g if isinstance(g, list) else [g]
        gr = [p.grad if p.grad is not None else torch.zeros_like(p) for p in parts]
        grads[name] = torch.stack(gr).tolist() if isinstance(g, list) else gr[0].tolist()
    groups = {k: torch.stack(g) if isinstance(g, list) else g for k, g in groups.items()}
    jac = {}
    for key, (fn, a_name) in edges.items():
        a = groups[a_name].detach()
        out = fn(a)
        J = jacobian(fn, a).reshape(out.numel(), a.numel())
        jac[key] = J.tolist()
    values = {name: g.detach().tolist() for name, g in groups.items()}
    return {"inputs": inputs, "values": values, "grads": grads, "jacobians": jac}


def two_layer(v):
    W1, x, W2 = v["W1"], v["x"], v["W2"]
    z = mv(W1, x)
    h = relu(z)
    y = mv(W2, h)
    d = lambda t: t.detach()
    groups = dict(W1=W1, x=x, W2=W2, z=z, h=h, y=y)
    edges = {
        "W1->z": (lambda A: mv(A, d(x)), "W1"),
        "x->z": (lambda A: mv(d(W1), A), "x"),
        "z->h": (relu, "z"),
        "W2->y": (lambda A: mv(A, d(h)), "W2"),
        "h->y": (lambda A: mv(d(W2), A), "h"),
    }
    return groups, edges


def three_layer(v):
    W1, W2, W3, x = v["W1"], v["W2"], v["W3"], v["x"]
    z1 = mv(W1, x)
    h1 = relu(z1)
    z2 = mv(W2, h1)
    h2 = relu(z2)
    y = mv(W3, h2)
    d = lambda t: t.detach()
    groups = dict(W1=W1, W2=W2, W3=W3, x=x, z1=z1, h1=h1, z2=z2, h2=h2, y=y)
    edges = {
        "W1->z1": (lambda A: mv(A, d(x)), "W1"),
        "x->z1": (lambda A: mv(d(W1), A), "x"),
        "z1->h1": (relu, "z1"),
        "h1->z2": (lambda A: mv(d(W2), A), "h1"),
        "W2->z2": (lambda A: mv(A, d(h1)), "W2"),
        "z2->h2": (relu, "z2"),
        "h2->y": (lambda A: mv(d(W3), A), "h2"),
        "W3->y": (lambda A: mv(A, d(h2)), "W3"),
    }
    return groups, edges


def net232(v):
    x, W, b1, U, b2, t = v["x"], v["W"], v["b1"], v["U"], v["b2"], v["t"]
    a1 = mv(W, x) + b1
    h = sigmoid(a1)
    a2 = mv(U, h) + b2
    y = sigmoid(a2)
    sq = running_sum((y - t) ** 2)  # the loop's running sum
    loss = 0.5 * sq[-1]
    d = lambda t_: t_.detach()
    groups = dict(x=x, W=W, b1=b1, U=U, b2=b2, t=t, a1=a1, h=h, a2=a2, y=y, sq=sq, loss=loss)
    edges = {
        "W->a1": (lambda A: mv(A, d(x)) + d(b1), "W"),
        "x->a1": (lambda A: mv(d(W), A) + d(b1), "x"),
        "b1->a1": (lambda A: mv(d(W), d(x)) + A, "b1"),
        "a1->h": (sigmoid, "a1"),
        "U->a2": (lambda A: mv(A, d(h)) + d(b2), "U"),
        "h->a2": (lambda A: mv(d(U), A) + d(b2), "h"),
        "b2->a2": (lambda A: mv(d(U), d(h)) + A, "b2"),
        "a2->y": (sigmoid, "a2"),
        # sq[j] = sq[j-1] (held fixed) + (y[j] - t[j])²
        "y->sq": (lambda A: shifted(sq) + (A - d(t)) ** 2, "y"),
        "t->sq": (lambda A: shifted(sq) + (d(y) - A) ** 2, "t"),
        "sq->loss": (lambda A: 0.5 * A[-1], "sq"),
    }
    return groups, edges


def minibatch(v):
    X, Tt, w, b = v["X"], v["T"], v["w"], v["b"]
    n = X.shape[0]
    pred = X @ w + b
    dd = pred - Tt
    loss = running_sum(dd * dd)
    mse = loss[-1] / n
    det = lambda t_: t_.detach()
    groups = dict(X=X, T=Tt, w=w, b=b, d=dd, loss=loss, mse=mse)
    edges = {
        "w->d": (lambda A: det(X) @ A + det(b) - det(Tt), "w"),
        "X->d": (lambda A: A @ det(w) + det(b) - det(Tt), "X"),
        "b->d": (lambda A: det(X) @ det(w) + A - det(Tt), "b"),
        "T->d": (lambda A: det(X) @ det(w) + det(b) - A, "T"),
        "d->loss": (lambda A: shifted(loss) + A * A, "d"),
        "loss->mse": (lambda A: A[-1] / n, "loss"),
    }
    return groups, edges


def minibatch_per_sample(inputs):
    """Each sample's contribution to ∂mse/∂w and ∂mse/∂b: the gradient of d_s²/n."""
    X, Tt = T(inputs["X"]), T(inputs["T"])
    n = X.shape[0]
    out = {"w": [], "b": []}
    for s in range(n):
        w = T(inputs["w"], requires_grad=True)
        b = T(inputs["b"], requires_grad=True)
        ds = X[s] @ w + b - Tt[s]
        (ds * ds / n).backward()
        out["w"].append(w.grad.tolist())
        out["b"].append(b.grad.item())
    return out


def softmax_ce(v, c):
    W, x = v["W"], v["x"]
    z = mv(W, x)
    e = torch.exp(z)
    S = e.sum()
    p = e / S
    loss = -torch.log(p[c])
    d = lambda t_: t_.detach()
    groups = dict(W=W, x=x, z=z, e=e, S=S, p=p, loss=loss)
    edges = {
        "W->z": (lambda A: mv(A, d(x)), "W"),
        "x->z": (lambda A: mv(d(W), A), "x"),
        "z->e": (torch.exp, "z"),
        "e->S": (lambda A: A.sum(), "e"),
        "e->p": (lambda A: A / d(S), "e"),  # S held fixed: diagonal 1/S
        "S->p": (lambda A: d(e) / A, "S"),
        "p->loss": (lambda A: -torch.log(A[c]), "p"),
    }
    return groups, edges


def log_softmax_ce(v, c):
    """The loss through log-softmax directly (log S − z[c]); p = e / S is computed beside it: ∂L/∂p = 0."""
    W, x = v["W"], v["x"]
    z = mv(W, x)
    e = torch.exp(z)
    S = e.sum()
    p = e / S
    loss = torch.log(S) - z[c]
    d = lambda t_: t_.detach()
    groups = dict(W=W, x=x, z=z, e=e, S=S, p=p, loss=loss)
    edges = {
        "z->e": (torch.exp, "z"),
        "e->S": (lambda A: A.sum(), "e"),
        "e->p": (lambda A: A / d(S), "e"),
        "S->p": (lambda A: d(e) / A, "S"),
        "z->loss": (lambda A: torch.log(d(S)) - A[c], "z"),
        "S->loss": (lambda A: torch.log(A) - d(z)[c], "S"),
    }
    return groups, edges


def maxout(v):
    W1, b1, W2, b2, x, w = v["W1"], v["b1"], v["W2"], v["b2"], v["x"], v["v"]
    a = mv(W1, x) + b1
    c = mv(W2, x) + b2
    h = torch.maximum(a, c)
    y = w @ h
    d = lambda t_: t_.detach()
    groups = dict(W1=W1, b1=b1, W2=W2, b2=b2, x=x, v=w, a=a, c=c, h=h, y=y)
    edges = {
        "W1->a": (lambda A: mv(A, d(x)) + d(b1), "W1"),
        "x->a": (lambda A: mv(d(W1), A) + d(b1), "x"),
        "x->c": (lambda A: mv(d(W2), A) + d(b2), "x"),
        "a->h": (lambda A: torch.maximum(A, d(c)), "a"),
        "c->h": (lambda A: torch.maximum(d(a), A), "c"),
        "h->y": (lambda A: d(w) @ A, "h"),
        "v->y": (lambda A: A @ d(h), "v"),
    }
    return groups, edges


def cond_layer(negative):
    def build(v):
        W, x, w = v["W"], v["x"], v["v"]
        z = mv(W, x)
        act = lambda t_: torch.where(t_ > 0, t_, negative(t_))
        h = act(z)
        y = w @ h
        d = lambda t_: t_.detach()
        groups = dict(W=W, x=x, v=w, z=z, h=h, y=y)
        edges = {
            "W->z": (lambda A: mv(A, d(x)), "W"),
            "z->h": (act, "z"),
            "h->y": (lambda A: d(w) @ A, "h"),
        }
        return groups, edges

    return build


INPUTS = {
    "two_layer": dict(W1=[[0.5, -0.3], [-0.8, 0.2], [0.7, 0.9]], x=[1.5, -0.5], W2=[[0.6, -1.1, 0.4]]),
    "three_layer": dict(
        W1=[[0.2, -0.5, 0.7], [-0.3, 0.8, 0.1], [0.9, -0.2, -0.6], [0.4, 0.3, -0.9]],
        W2=[[0.5, -0.4, 0.3, 0.2], [-0.7, 0.6, 0.1, -0.3], [0.25, 0.35, -0.45, 0.55]],
        W3=[[1.2, -0.8, 0.5]],
        x=[0.9, -1.3, 0.4],
    ),
    "net232": dict(
        x=[0.5, -1.2],
        W=[[0.1, 0.3], [-0.4, 0.2], [0.7, -0.6]],
        b1=[0.05, -0.1, 0.2],
        U=[[0.5, -0.8, 0.4], [-0.3, 0.9, 0.1]],
        b2=[-0.2, 0.3],
        t=[1.0, 0.0],
    ),
    "minibatch": dict(
        X=[[0.5, 1.0], [-1.0, 2.0], [1.5, -0.5], [0.25, 0.75]],
        T=[1.0, -0.5, 2.0, 0.3],
        w=[0.8, -0.3],
        b=0.1,
    ),
    "softmax_ce": dict(W=[[0.2, -0.4], [0.6, 0.1], [-0.5, 0.3]], x=[1.2, -0.7], c=1),
    "maxout": dict(
        W1=[[0.3, -0.2], [0.5, 0.4], [-0.6, 0.1]],
        b1=[0.1, -0.2, 0.05],
        W2=[[-0.1, 0.6], [0.2, -0.3], [0.4, 0.5]],
        b2=[0.0, 0.15, -0.1],
        x=[0.8, -0.6],
        v=[1.0, -0.5, 0.7],
    ),
    "leaky_relu": dict(W=[[0.5, -0.3], [-0.8, 0.2], [0.7, 0.9]], x=[1.5, -0.5], v=[0.6, -1.1, 0.4]),
    "elu": dict(W=[[0.5, -0.3], [-0.8, 0.2], [0.7, 0.9]], x=[1.5, -0.5], v=[0.6, -1.1, 0.4]),
}


def main():
    cases = {}
    cases["two_layer"] = case(INPUTS["two_layer"], two_layer, "y")
    cases["three_layer"] = case(INPUTS["three_layer"], three_layer, "y")
    cases["net232"] = case(INPUTS["net232"], net232, "loss")
    cases["minibatch"] = case(INPUTS["minibatch"], minibatch, "mse")
    cases["minibatch"]["perSample"] = minibatch_per_sample(INPUTS["minibatch"])
    sm = INPUTS["softmax_ce"]
    cases["softmax_ce"] = case(sm, lambda v: softmax_ce(v, sm["c"]), "loss")
    cases["log_softmax_ce"] = case(sm, lambda v: log_softmax_ce(v, sm["c"]), "loss")
    cases["maxout"] = case(INPUTS["maxout"], maxout, "y")
    cases["leaky_relu"] = case(INPUTS["leaky_relu"], cond_layer(lambda t_: 0.01 * t_), "y")
    cases["elu"] = case(INPUTS["elu"], cond_layer(lambda t_: torch.exp(t_) - 1), "y")
    out = {"generator": "scripts/vector-jacobians.py", "torch": torch.__version__, "cases": cases}
    path = os.path.join(os.path.dirname(__file__), "..", "test", "unit", "fixtures", "vector-jacobians.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
