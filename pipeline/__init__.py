"""Pipeline wiring, runners and the command-line interface.

Importing this package selects Keras 2 (tf-keras) before TensorFlow loads,
because TF Transform does not support Keras 3, and quiets TensorFlow's C++
start-up messages. Set TF_USE_LEGACY_KERAS=1 in
the environment as well when TensorFlow may be imported first.
"""

import os

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

# Without an NVIDIA driver, TensorFlow's C++ runtime logs a CUDA initialisation
# error at every start; level 3 hides it. With a driver, errors stay visible.
if not os.path.exists("/dev/nvidiactl"):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
else:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
