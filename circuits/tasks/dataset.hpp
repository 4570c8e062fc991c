#pragma once
/// Labelled data sets for the learning tasks: Fashion-MNIST in its IDX files and scikit-learn's
/// 8x8 digits, both as Debian ships them (REFERENCES.md section 6), and the user's own data as
/// CSV or NumPy .npy files (`[task] kind = "classification"`). Readers check everything a
/// damaged or mismatched file can get wrong and throw std::runtime_error naming the file (and
/// the line or element where one applies) and saying what was wrong; none falls back to a
/// default.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cortexsim {

/// A labelled set of samples. The IDX and digits readers scale features to [0, 1]; the CSV and
/// .npy readers store the user's values as given.
struct dataset {
    std::size_t n_samples = 0;
    std::size_t n_features = 0;
    /// One more than the largest label read (labels are 0 .. n_classes-1).
    ///
    /// A reader cannot know how many classes a file should hold, so one damaged label (200 in
    /// an MNIST label file) would silently make 201 classes. The IDX, CSV and NPY readers
    /// therefore take `max_classes`, the count the caller expects (the classification task
    /// passes its output population's size: one neuron per class); a label at or above it is
    /// an error naming the file and the sample. Inferring the count from the labels instead
    /// (say, rejecting a largest label far above the number of distinct ones) would misjudge
    /// subsets and data sets whose test split lacks a class, so the readers do not guess.
    std::size_t n_classes = 0;
    /// Row-major, n_samples x n_features: sample i is features[i*n_features .. (i+1)*n_features).
    std::vector<float> features;
    std::vector<int> labels;
    /// Where the samples came from (the file paths), for logs and reports.
    std::string source;
};

/// Reads an IDX image file (magic 0x00000803: count, rows, cols, then unsigned bytes) and its
/// IDX label file (magic 0x00000801: count, then one byte per label), gzip-compressed or plain.
/// Pixels become `byte / 255.0f`. `max_samples` > 0 reads only the first that many samples
/// (then only that prefix of each file is read and checked). `max_classes` > 0: every label
/// read must be below it (dataset::n_classes). Throws std::runtime_error on an unreadable file,
/// a wrong magic number, zero dimensions, differing counts, truncation, or "<labels_path>:
/// sample <i> (counting from 0): label <L> is outside 0..<max_classes-1> (...)".
dataset read_idx_pair(const std::string& images_path, const std::string& labels_path,
                      std::size_t max_samples = 0, std::size_t max_classes = 0);

/// Reads scikit-learn's digits.csv.gz (gzip or plain): one sample a line, 64 comma-separated
/// pixel values 0..16 and the label last. Pixels become `value / 16.0f`. `max_samples` > 0
/// reads only the first that many lines. Throws std::runtime_error naming file and line.
dataset read_digits_csv(const std::string& path, std::size_t max_samples = 0);

/// Reads a CSV data set, gzip-compressed or plain: one sample a line, comma-separated numbers
/// with the label last. Every sample line has the same number of columns, at least 2 (one
/// feature and the label). Blank lines and lines whose first non-blank character is '#' are
/// skipped; so is the first other line if none of its fields is a number (a header; it must
/// have as many columns as the data). Numbers are parsed locale-independently (std::from_chars,
/// optional leading '+', surrounding spaces and tabs ignored). Features are stored as given;
/// labels must be whole numbers in 0..65535 ("3" or "3.0"); n_classes is one more than the
/// largest. `max_samples` > 0 reads only the first that many samples; `max_classes` > 0: every
/// label must be below it (dataset::n_classes). Throws std::runtime_error "<path>:<line>: ..."
/// on a differing column count, an empty or non-numeric field, nan or inf, a number beyond the
/// float range, a negative, fractional or too large label or a NUL byte (a binary file), and
/// "<path>: contains no samples" on a file without data.
dataset read_csv_dataset(const std::string& path, std::size_t max_samples = 0,
                         std::size_t max_classes = 0);

/// Reads features and labels from two NumPy .npy files (format 1.0, 2.0 or 3.0, as np.save
/// writes them; not compressed, not .npz). Features: dtype '<f4', '<f8', '|u1', '|i1', '<u2',
/// '<i2', '<i4' or '<i8', C order, shape (n, d) or (n, h, w, ...) flattened to n x (h*w*...),
/// converted to float as given (no scaling); nan, inf and values beyond the float range are
/// rejected. Labels: an integer dtype ('|u1', '|i1', '<u2', '<i2', '<u4', '<i4', '<u8', '<i8'),
/// shape (n,) or (n, 1) with the same n, values in 0..65535. Each file's size must match its
/// header exactly (checked for the whole file even when `max_samples` > 0, which then reads
/// only the first that many samples); `max_classes` > 0: every label must be below it
/// (dataset::n_classes). Throws std::runtime_error naming the file, and the
/// element as a NumPy index where one applies, on a wrong magic or version, a malformed
/// header, a big-endian, structured or other unsupported dtype, Fortran order, an unsupported
/// shape, differing sample counts, truncated or trailing data and bad values.
dataset read_npy_dataset(const std::string& features_path, const std::string& labels_path,
                         std::size_t max_samples = 0, std::size_t max_classes = 0);

/// The directory of Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) if all
/// four {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz files exist there, else "".
std::string find_fashion_mnist_dir();

/// The path of digits.csv.gz in Debian's python3-sklearn if it exists, else "".
std::string find_sklearn_digits();

/// A permutation of 0..n-1 for shuffling or splitting: Fisher-Yates driven by
/// rng(seed, stream), for i = n-1 down to 1 swapping i with rng::below(i+1). The same
/// (n, seed, stream) gives the same order on every platform.
std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed,
                                          const std::string& stream);

} // namespace cortexsim
