"""The registered self-checks of the notebook exercises, one module per notebook area.

Every module here is imported by :mod:`trustlab.selfcheck.registry` the first time a check is
needed; each registers its checks with :func:`trustlab.selfcheck.register`. To add checks for a
new notebook, add a module (e.g. ``nb40.py``) that imports trustlab lazily inside its functions.
"""
