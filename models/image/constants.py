"""Feature names, image geometry and fixed settings shared by the image pipelines."""

IMAGE_KEY = "image"
LABEL_KEY = "label"
TRANSFORMED_IMAGE_KEY = "image_xf"

IMAGE_HEIGHT = 28
IMAGE_WIDTH = 28
IMAGE_PIXELS = IMAGE_HEIGHT * IMAGE_WIDTH
PIXEL_MAX = 255

# Fashion-MNIST class names, indexed by label (zalandoresearch/fashion-mnist README).
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

LATENT_DIM = 64
NOISE_FACTOR = 0.2

DEFAULT_EPOCHS = 10
DEFAULT_BATCH_SIZE = 32
DEFAULT_SEED = 42

# Names of the SavedModel signatures.
ENCODE_SIGNATURE = "encode"
DECODE_SIGNATURE = "decode"
RECONSTRUCT_SIGNATURE = "reconstruct"
DENOISE_SIGNATURE = "denoise"
EVALUATE_SIGNATURE = "evaluate"
TRANSFORM_SIGNATURE = "transform_features"
