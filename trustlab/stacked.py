"""K models of one architecture as one computation: weights with a leading model dimension.

The kit's models are tiny (a 64-128-10 MLP, logistic regression, a window language model), so
on a laptop their cost is Python and dispatch overhead, not arithmetic. Stacking K models'
weights as ``(K, out, in)`` tensors lets one ``baddbmm`` do the work of K small matrix
products, and a hand-written backward pass keeps, for every layer, what DP-SGD needs:
each example's gradient norm from the layer's input and output gradient (the "ghost norm"
identity ‖g aᵀ‖ = ‖g‖·‖a‖, Goodfellow 2015; Li et al. 2022), so no per-example gradient
is ever materialised.

Supported layers, in an ``nn.Sequential``: ``Embedding`` (first layer only), ``Flatten``,
``Linear``, ``ReLU``, ``Tanh``, ``Dropout``, ``Identity``. :meth:`StackedModel.member`
gives model k back as an ordinary ``nn.Sequential``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

__all__ = ["SUPPORTED_LAYERS", "StackedModel"]

#: Layer types the batched path can stack (anything else raises a TypeError naming it).
SUPPORTED_LAYERS = (nn.Linear, nn.ReLU, nn.Tanh, nn.Dropout, nn.Identity, nn.Flatten, nn.Embedding)

# Rows per chunk when a stacked forward pass runs over a whole data set (bounds memory).
_CHUNK_ELEMENTS = 2**22


def _spec(module):
    """``(kind, shape info)`` of one layer, the same for every model of one architecture."""
    if isinstance(module, nn.Linear):
        return ("linear", module.in_features, module.out_features, module.bias is not None)
    if isinstance(module, nn.Embedding):
        return ("embedding", module.num_embeddings, module.embedding_dim)
    if isinstance(module, nn.Dropout):
        return ("dropout", float(module.p))
    if isinstance(module, nn.Flatten):
        if module.start_dim != 1 or module.end_dim != -1:
            raise TypeError("the batched path supports nn.Flatten() with its default dims only, "
                            f"got start_dim={module.start_dim}, end_dim={module.end_dim}")
        return ("flatten",)
    return ({nn.ReLU: "relu", nn.Tanh: "tanh", nn.Identity: "identity"}[type(module)],)


def _layers(model):
    if not isinstance(model, nn.Sequential):
        raise TypeError("the batched path (model_fn's result; train's model) needs an nn.Sequential of "
                        f"{', '.join(t.__name__ for t in SUPPORTED_LAYERS)}; got "
                        f"{type(model).__name__}")
    for i, m in enumerate(model):
        if type(m) not in SUPPORTED_LAYERS:
            raise TypeError(f"the batched path (model_fn's result; train's model) does not support layer {i} ({type(m).__name__}); "
                            f"supported: {', '.join(t.__name__ for t in SUPPORTED_LAYERS)}")
        if isinstance(m, nn.Embedding) and i != 0:
            raise TypeError(f"nn.Embedding must be the first layer for the batched path, got it at {i}")
    return list(model)


class StackedModel:
    """K models of one ``nn.Sequential`` architecture, weights stacked along a first dimension.

    Calling it on ``X`` (n rows, shared by all models) returns logits of shape ``(K, n, out)``
    in evaluation mode (no dropout). :meth:`member` returns model k as an ``nn.Sequential``.
    """

    def __init__(self, specs, params, dtype):
        self.specs = tuple(specs)
        self.params = list(params)  # per parametrised layer: [W, b] (Linear) or [E] (Embedding)
        self.dtype = dtype

    @classmethod
    def from_modules(cls, modules, dtype=torch.float32) -> "StackedModel":
        """Stack ``modules`` (one architecture) into one model with a leading dimension K."""
        modules = list(modules)
        if not modules:
            raise ValueError("modules must hold at least one model, got none")
        specs = [_spec(m) for m in _layers(modules[0])]
        for k, m in enumerate(modules[1:], 1):
            other = [_spec(layer) for layer in _layers(m)]
            if other != specs:
                raise ValueError(f"every model must have the same architecture; model {k} has "
                                 f"{other}, model 0 has {specs}")
        params = []
        for i, spec in enumerate(specs):
            if spec[0] == "linear":
                params.append(torch.stack([m[i].weight.detach() for m in modules]).to(dtype))
                if spec[3]:
                    params.append(torch.stack([m[i].bias.detach() for m in modules]).to(dtype))
            elif spec[0] == "embedding":
                params.append(torch.stack([m[i].weight.detach() for m in modules]).to(dtype))
        return cls(specs, [p.clone().contiguous() for p in params], dtype)

    @property
    def n_models(self) -> int:
        """K, the number of stacked models."""
        return int(self.params[0].shape[0])

    @property
    def takes_ids(self) -> bool:
        """True when the first layer is an embedding (inputs are integer ids)."""
        return self.specs[0][0] == "embedding"

    def member(self, k) -> nn.Sequential:
        """Model ``k`` as an ordinary ``nn.Sequential`` (a copy; float32 unless stacked in float64)."""
        layers, it = [], iter(self.params)
        for spec in self.specs:
            kind = spec[0]
            if kind == "linear":
                layer = nn.Linear(spec[1], spec[2], bias=spec[3])
                layer.weight = nn.Parameter(next(it)[k].clone())
                if spec[3]:
                    layer.bias = nn.Parameter(next(it)[k].clone())
            elif kind == "embedding":
                layer = nn.Embedding(spec[1], spec[2])
                layer.weight = nn.Parameter(next(it)[k].clone())
            elif kind == "dropout":
                layer = nn.Dropout(spec[1])
            else:
                layer = {"relu": nn.ReLU, "tanh": nn.Tanh, "identity": nn.Identity,
                         "flatten": nn.Flatten}[kind]()
            layers.append(layer)
        return nn.Sequential(*layers).eval()

    def load_into(self, k, module: nn.Module) -> nn.Module:
        """Copy model ``k``'s weights into ``module`` (same architecture) in place; return it."""
        with torch.no_grad():
            for target, source in zip(module.parameters(), self.member(k).parameters()):
                target.copy_(source)
        return module

    def _input(self, x):
        if self.takes_ids:
            return torch.as_tensor(x, dtype=torch.int64)
        return torch.as_tensor(x).to(self.dtype)

    @torch.no_grad()
    def __call__(self, X) -> torch.Tensor:
        """Logits ``(K, n, out)`` of every model on the shared rows ``X`` (evaluation mode)."""
        X = self._input(X)
        width = max([s[2] for s in self.specs if s[0] == "linear"] + [1])
        rows = max(1, _CHUNK_ELEMENTS // (self.n_models * width))
        out = [self.forward(X[i:i + rows][None].expand(self.n_models, *X[i:i + rows].shape))[0]
               for i in range(0, len(X), rows)]
        return torch.cat(out, dim=1)

    @torch.no_grad()
    def accuracy(self, X, y, rows=None):
        """Each model's accuracy on ``(X, y)``, or on its own ``rows[k]`` of them: shape (K,)."""
        hits = (self(X).argmax(-1) == torch.as_tensor(y)[None]).double()
        if rows is None:
            return hits.mean(1).numpy()
        return np.array([float(hits[k, r].mean()) for k, r in enumerate(rows)])

    def forward(self, x, dropout_generators=None):
        """Logits for per-model batches ``x`` of shape ``(K, B, ...)``, and the cache backward needs.

        Dropout is applied only when ``dropout_generators`` (one torch Generator per model) is given.
        """
        cache, h, it = [], self._input(x), iter(self.params)
        K = self.n_models
        for spec in self.specs:
            kind = spec[0]
            if kind == "linear":
                W = next(it)
                b = next(it) if spec[3] else None
                cache.append(h)
                h = torch.baddbmm(b[:, None, :], h, W.transpose(1, 2)) if b is not None \
                    else torch.bmm(h, W.transpose(1, 2))
            elif kind == "embedding":
                E = next(it)
                cache.append(h)
                h = E[torch.arange(K)[:, None, None], h]
            elif kind == "flatten":
                cache.append(h.shape)
                h = h.flatten(2)
            elif kind == "relu":
                cache.append(h > 0)
                h = h.clamp_min(0)
            elif kind == "tanh":
                h = torch.tanh(h)
                cache.append(h)
            elif kind == "dropout":
                if dropout_generators is None or spec[1] == 0:
                    cache.append(None)
                    continue
                keep = torch.stack([torch.rand(h.shape[1:], generator=g) >= spec[1]
                                    for g in dropout_generators]).to(h.dtype) / (1 - spec[1])
                cache.append(keep)
                h = h * keep
            else:
                cache.append(None)
        return h, cache

    def backward(self, cache, grad_out):
        """Per-layer ``(input, output gradient)`` pairs for every parametrised layer, last first.

        ``grad_out`` is the gradient of each example's own loss with respect to its logits,
        shape ``(K, B, out)``; nothing is averaged yet, so the pairs describe per-example
        gradients, which :meth:`param_grads` weights and sums and :meth:`sq_norms` measures.
        """
        pairs, g = [], grad_out
        params = list(self.params)
        for idx in range(len(self.specs) - 1, -1, -1):
            kind, saved = self.specs[idx][0], cache[idx]
            if kind == "linear":
                if self.specs[idx][3]:
                    params.pop()
                W = params.pop()
                pairs.append(("linear", saved, g, self.specs[idx][3]))
                if idx > 0:
                    g = torch.bmm(g, W)
            elif kind == "embedding":
                params.pop()
                pairs.append(("embedding", saved, g, self.specs[idx][1]))
            elif kind == "flatten":
                g = g.reshape(saved)
            elif kind == "relu":
                g = g * saved
            elif kind == "tanh":
                g = g * (1 - saved * saved)
            elif kind == "dropout" and saved is not None:
                g = g * saved
        return pairs

    @staticmethod
    def sq_norms(pairs) -> torch.Tensor:
        """Each example's squared gradient norm over all parameters, ``(K, B)``, from ``pairs``.

        Linear: ‖g aᵀ‖² = ‖g‖²·‖a‖² (+ ‖g‖² for the bias). Embedding: rows that appear twice in
        one example's window add up before squaring, so ids that repeat are paired explicitly.
        """
        total = None
        for kind, a, g, extra in pairs:
            if kind == "linear":
                gg = (g * g).sum(-1)
                part = gg * ((a * a).sum(-1) + (1.0 if extra else 0.0))
            else:  # embedding: a = ids (K, B, T), g = (K, B, T, d)
                same = (a[..., :, None] == a[..., None, :]).to(g.dtype)
                part = (torch.matmul(g, g.transpose(-1, -2)) * same).sum((-1, -2))
            total = part if total is None else total + part
        return total

    def param_grads(self, pairs, weights) -> list:
        """Gradients of Σᵢ wᵢ·lossᵢ for each parameter (in :attr:`params` order); ``weights`` is (K, B)."""
        grads = []
        for kind, a, g, extra in reversed(pairs):
            gw = g * weights.reshape(*weights.shape, *([1] * (g.ndim - 2)))
            if kind == "linear":
                grads.append(torch.bmm(gw.transpose(1, 2), a))
                if extra:
                    grads.append(gw.sum(1))
            else:
                K, V = a.shape[0], extra
                grad = torch.zeros(K, V, g.shape[-1], dtype=g.dtype)
                flat = (a + torch.arange(K)[:, None, None] * V).reshape(-1)
                grad.view(K * V, -1).index_add_(0, flat, gw.reshape(-1, g.shape[-1]))
                grads.append(grad)
        return grads
