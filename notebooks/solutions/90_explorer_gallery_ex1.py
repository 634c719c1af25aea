# Exercise 1: open the mechanism explorer on the Gaussian mechanism at epsilon = 0.5, from a preset.
# A preset is a dict of control values; explorer.preset() gives the current ones back.
from trustlab.gallery import build
from trustlab.privacy.loss import compute_mechanism

preset = {"mechanism": "gaussian", "epsilon": 0.5, "sensitivity": 1.0, "delta": 1e-5}
explorer = build("mechanism", preset=preset)
print(explorer.result.summary())
assert explorer.preset() == preset
assert explorer.result.summary() == compute_mechanism(**preset, seed=0).summary()
answer = explorer.result.scale
