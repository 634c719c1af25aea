# trustlab: the two commands are `make lab` and `make test` (see README.md).
.PHONY: setup lab app test test-fast notebooks normalize benchmarks datasets sweeps clean

VENV := .venv
PY := $(VENV)/bin/python
export FLWR_TELEMETRY_ENABLED := 0
export FLWR_DISABLE_UPDATE_CHECK := 1

setup:
	@bash scripts/setup.sh

# JupyterLab refuses to run as root unless told (containers, CI machines).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

lab: setup
	$(VENV)/bin/jupyter lab notebooks/00_start_here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

# App mode: every explorer on one standalone page (Voila), offline. JUPYTER_PATH lets Voila find
# trustlab's template (its "lab" template minus two CDN stylesheets, see the template's comment).
# Voila, unlike JupyterLab, starts as root without a flag, so ROOT_FLAG is not passed to it.
app: setup
	JUPYTER_PATH="$(CURDIR)/trustlab/share/jupyter$${JUPYTER_PATH:+:$$JUPYTER_PATH}" \
	  $(VENV)/bin/voila notebooks/90_explorer_gallery.ipynb --template=trustlab $(APP_ARGS)

# Everything, then the notebooks a second time on torch's portable kernels (ATEN_CPU_CAPABILITY=
# default: another CPU's arithmetic): every checked number must print the same on any CPU.
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)
	ATEN_CPU_CAPABILITY=default $(PY) -m pytest notebooks $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -m "not e2e and not slow" $(PYTEST_ARGS)

# Re-execute every notebook in a fresh kernel and normalize it (stored outputs are what nbval checks).
notebooks: setup
	$(PY) scripts/execute_notebooks.py $(NB)

normalize: setup
	$(PY) scripts/normalize_notebooks.py notebooks/*.ipynb

benchmarks: setup
	$(PY) benchmarks/run.py

datasets: setup
	$(PY) datasets/build.py

# Recompute the sweeps shipped inside the package (needed after a version bump or grid change;
# a stale sweep is recomputed into the user cache instead, which is slow). Takes tens of minutes.
sweeps: setup
	$(PY) scripts/make_sweeps.py
	$(PY) -m trustlab.fairness.make_sweeps
	$(PY) scripts/make_fairness_bias_sweeps.py
	$(PY) -m trustlab.capstone.make_sweeps
	$(PY) -m trustlab.audit.make_sweeps
	@[ ! -f scripts/make_attack_sweeps.py ] || $(PY) scripts/make_attack_sweeps.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
