"""trustlab: widget-driven notebooks to learn and explore trustworthy machine learning.

The package computes (privacy mechanisms and accounting, federated learning, fairness
metrics), plots the results and wires both to ipywidgets explorers; imports flow one way,
compute -> plots -> widgets, and importing it changes no global state. Each lesson area is a
subpackage (``privacy``, ``attacks``, ``federated``, ``fairness``, ``capstone``), larger areas
have one room per lesson (``fairness.groups``, ``privacy.text`` …); ``docs/architecture.md``
is the map.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
