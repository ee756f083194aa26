"""Tests of the IDX reader and of the Fashion-MNIST file checks, on tiny files built in tmp dirs."""

import gzip
import struct

import numpy as np
import pytest

from models.image import fashion_mnist
from models.image import idx


def write_idx(path, magic, dims, payload: bytes, compress=True):
    header = struct.pack(">I", magic) + struct.pack(f">{len(dims)}I", *dims)
    opener = gzip.open if compress else open
    with opener(path, "wb") as output:
        output.write(header + payload)
    return str(path)


def random_images(count, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(count, 28, 28), dtype=np.uint8)


def test_validate_accepts_well_formed_images(tmp_path):
    images = random_images(3)
    path = write_idx(tmp_path / "x-images-idx3-ubyte.gz", idx.IMAGES_MAGIC, (3, 28, 28), images.tobytes())

    header = idx.validate_idx_file(path, idx.IMAGES_MAGIC, (28, 28))

    assert header.count == 3
    assert header.record_bytes == 784


def test_iter_records_returns_requested_range(tmp_path):
    images = random_images(5)
    path = write_idx(tmp_path / "x-images-idx3-ubyte.gz", idx.IMAGES_MAGIC, (5, 28, 28), images.tobytes())

    records = list(idx.iter_records(path, start=1, stop=4))

    assert len(records) == 3
    for offset, record in enumerate(records):
        assert record == images[1 + offset].tobytes()


def test_iter_records_reads_uncompressed_file(tmp_path):
    labels = bytes([4, 1, 9])
    path = write_idx(tmp_path / "labels.idx", idx.LABELS_MAGIC, (3,), labels, compress=False)

    assert [record[0] for record in idx.iter_records(path)] == [4, 1, 9]


def test_truncated_payload_names_file_and_sizes(tmp_path):
    images = random_images(3)
    path = write_idx(tmp_path / "short-images-idx3-ubyte.gz", idx.IMAGES_MAGIC, (3, 28, 28), images.tobytes()[:-100])

    with pytest.raises(idx.IdxFormatError) as error:
        idx.validate_idx_file(path, idx.IMAGES_MAGIC, (28, 28))

    message = str(error.value)
    assert "short-images-idx3-ubyte.gz" in message
    assert "truncated" in message
    assert str(3 * 784) in message
    assert str(3 * 784 - 100) in message


def test_truncated_gzip_stream_is_reported(tmp_path):
    images = random_images(20)
    path = write_idx(tmp_path / "cut-images-idx3-ubyte.gz", idx.IMAGES_MAGIC, (20, 28, 28), images.tobytes())
    data = (tmp_path / "cut-images-idx3-ubyte.gz").read_bytes()
    (tmp_path / "cut-images-idx3-ubyte.gz").write_bytes(data[: len(data) // 2])

    with pytest.raises(idx.IdxFormatError, match="cut-images-idx3-ubyte.gz.*truncated"):
        idx.validate_idx_file(path, idx.IMAGES_MAGIC, (28, 28))


def test_trailing_bytes_are_rejected(tmp_path):
    path = write_idx(tmp_path / "long-labels.gz", idx.LABELS_MAGIC, (2,), bytes([1, 2, 3]))

    with pytest.raises(idx.IdxFormatError, match="longer than its header"):
        idx.validate_idx_file(path, idx.LABELS_MAGIC, ())


def test_labels_magic_in_images_file_is_rejected(tmp_path):
    path = write_idx(tmp_path / "swapped-images-idx3-ubyte.gz", idx.LABELS_MAGIC, (3,), bytes(3))

    with pytest.raises(idx.IdxFormatError) as error:
        idx.validate_idx_file(path, idx.IMAGES_MAGIC, (28, 28))

    message = str(error.value)
    assert "swapped-images-idx3-ubyte.gz" in message
    assert str(idx.LABELS_MAGIC) in message
    assert str(idx.IMAGES_MAGIC) in message


def test_invalid_magic_bytes_are_rejected(tmp_path):
    path = tmp_path / "garbage-images-idx3-ubyte.gz"
    with gzip.open(path, "wb") as output:
        output.write(b"PK\x03\x04" + bytes(100))

    with pytest.raises(idx.IdxFormatError, match="invalid magic number 0x504b0304"):
        idx.validate_idx_file(str(path), idx.IMAGES_MAGIC, (28, 28))


def test_wrong_image_shape_is_rejected(tmp_path):
    path = write_idx(tmp_path / "big-images.gz", idx.IMAGES_MAGIC, (1, 32, 32), bytes(32 * 32))

    with pytest.raises(idx.IdxFormatError, match=r"shape \[32, 32\], expected \[28, 28\]"):
        idx.validate_idx_file(path, idx.IMAGES_MAGIC, (28, 28))


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.gz"):
        idx.validate_idx_file(str(tmp_path / "absent.gz"), idx.IMAGES_MAGIC, (28, 28))


def test_split_with_count_mismatch_is_rejected(tmp_path):
    images = write_idx(tmp_path / "a-images-idx3-ubyte.gz", idx.IMAGES_MAGIC, (3, 28, 28), random_images(3).tobytes())
    labels = write_idx(tmp_path / "a-labels-idx1-ubyte.gz", idx.LABELS_MAGIC, (2,), bytes([0, 1]))

    with pytest.raises(idx.IdxFormatError, match="3 images but .* 2 labels"):
        fashion_mnist.validate_split_files(images, labels)


def test_iter_examples_pairs_images_with_labels(tmp_path):
    pixels = random_images(4, seed=3)
    images = write_idx(tmp_path / "a-images-idx3-ubyte.gz", idx.IMAGES_MAGIC, (4, 28, 28), pixels.tobytes())
    labels = write_idx(tmp_path / "a-labels-idx1-ubyte.gz", idx.LABELS_MAGIC, (4,), bytes([7, 0, 9, 2]))

    examples = list(fashion_mnist.iter_examples(images, labels, start=2))

    assert len(examples) == 2
    first = examples[0].features.feature
    assert list(first["image"].int64_list.value) == pixels[2].reshape(-1).tolist()
    assert list(first["label"].int64_list.value) == [9]
    assert list(examples[1].features.feature["label"].int64_list.value) == [2]


def test_record_ranges_cover_count_without_overlap():
    ranges = fashion_mnist.record_ranges(25, 10)

    assert ranges == [(0, 10), (10, 20), (20, 25)]
