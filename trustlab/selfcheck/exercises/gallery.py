"""Self-check for the explorer gallery (notebook 90): opening an explorer from a preset."""

from __future__ import annotations

from trustlab.selfcheck import Number, register


@register("90.1", Number(rtol=1e-6), question="the Gaussian noise's σ that the explorer built from your preset uses",
          hint="Build it with `build(\"mechanism\", preset={...})` using the control names that "
               "`build(\"mechanism\").preset()` lists; the result's `scale` is the noise's σ.",
          insight="The same preset always rebuilds the same state: hand it to a colleague as a dict or JSON.")
def _gaussian_sigma_from_preset():
    from trustlab.privacy import gaussian_sigma

    return gaussian_sigma(0.5, 1e-5, 1.0)
