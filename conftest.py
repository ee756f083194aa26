"""Test-wide settings that must be in place before TensorFlow is imported."""

import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Fashion-MNIST for tests is read from the shared data folder beside the
# checkout; FASHION_MNIST_DIR overrides it.
REPO_ROOT = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault(
    "FASHION_MNIST_DIR", os.path.join(os.path.dirname(REPO_ROOT), "shared", "data", "fashion-mnist")
)
