"""The in-process runner against Flower's simulation engine (Ray): same seed, same numbers."""

import numpy as np
import pytest

from trustlab.federated.api import run_federated

pytestmark = pytest.mark.slow


def test_inprocess_matches_flower_simulation(no_leftover_processes):
    # Client sampling (fraction 0.6) and FedProx included: both engines must pick the same
    # clients, train them identically and aggregate in the same order.
    kw = dict(num_clients=5, num_rounds=3, local_epochs=1, alpha=0.5, fraction_fit=0.6,
              strategy="fedprox", seed=0)
    fast = run_federated(engine="inprocess", **kw)
    ray = run_federated(engine="simulation", **kw)
    assert ray.participants == fast.participants
    # Bit for bit: the clients compute in float64 and send float32, in any process.
    assert ray.global_accuracy == fast.global_accuracy
    np.testing.assert_array_equal(ray.client_accuracy, fast.client_accuracy)
    assert ray.update_norms == fast.update_norms
    assert ray.bytes_uploaded == fast.bytes_uploaded and ray.raw_bytes == fast.raw_bytes
    for name, w in fast.final_weights.items():
        np.testing.assert_array_equal(ray.final_weights[name], w)


def test_simulation_returns_after_rays_processes_exit():
    # Ray stops its processes asynchronously; run_federated waits (bounded) until they are gone,
    # so a count right after the call is 0 (notebook 21 prints it).
    from trustlab.federated.api import live_child_processes

    r = run_federated(num_clients=2, num_rounds=1, engine="simulation", seed=0)
    assert r.final_accuracy > 0
    assert live_child_processes() == []


def test_simulation_starts_ray_without_the_monitors(no_leftover_processes):
    # lean_ray_head: no autoscaler monitor and no log monitor (notebook 21's memory). The
    # command lines of this process's descendants are sampled while the simulation runs.
    import inspect
    import threading

    import psutil
    from ray._private.parameter import RayParams

    from trustlab.federated.api import LEAN_HEAD

    assert set(LEAN_HEAD) <= set(inspect.signature(RayParams.__init__).parameters)
    seen: set[str] = set()
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            for proc in psutil.Process().children(recursive=True):
                try:
                    seen.add(" ".join(proc.cmdline()))
                except psutil.Error:
                    pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        run_federated(num_clients=2, num_rounds=1, engine="simulation", seed=0)
    finally:
        done.set()
        sampler.join()
    assert any("raylet" in cmd for cmd in seen) and any("ClientAppActor" in cmd for cmd in seen), seen
    assert not [cmd for cmd in seen if "monitor.py" in cmd], seen  # autoscaler/monitor.py, log_monitor.py
