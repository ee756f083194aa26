"""Feature names shared by the ECG Transform and Trainer code."""

from typing import List

NUM_SAMPLES = 140
LABEL_KEY = "label"
NORMAL_LABEL = 1

# Output of Transform: the 140 samples of a beat, min-max scaled as one vector.
SCALED_BEAT_KEY = "beat_scaled"


def sample_feature_names() -> List[str]:
    """Return the raw feature names of the 140 samples: sample_000 ... sample_139."""
    return [f"sample_{index:03d}" for index in range(NUM_SAMPLES)]
