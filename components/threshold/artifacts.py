"""The AnomalyThreshold artifact type recorded in ML Metadata."""

from tfx.types import artifact

# Kubeflow Pipelines V2 compilation requires a dotted type name.
ANOMALY_THRESHOLD_TYPE_NAME = "autoencoders.AnomalyThreshold"


class AnomalyThreshold(artifact.Artifact):
    """Decision threshold on the reconstruction error, with the statistics it came from.

    Properties: value (the threshold), mean and std of the reconstruction
    error over the rows it was computed on, count of those rows, and the
    strategy name. The artifact directory also contains threshold.json and
    errors.npz (per-beat errors of the train normal rows and the eval rows).
    """

    TYPE_NAME = ANOMALY_THRESHOLD_TYPE_NAME
    PROPERTIES = {
        "value": artifact.Property(type=artifact.PropertyType.FLOAT),
        "mean": artifact.Property(type=artifact.PropertyType.FLOAT),
        "std": artifact.Property(type=artifact.PropertyType.FLOAT),
        "count": artifact.Property(type=artifact.PropertyType.INT),
        "strategy": artifact.Property(type=artifact.PropertyType.STRING),
    }
