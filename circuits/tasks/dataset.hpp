#pragma once
/// Labelled data sets for the learning tasks: Fashion-MNIST in its IDX files and scikit-learn's
/// 8x8 digits, both as Debian ships them (REFERENCES.md section 6). Readers check everything a
/// damaged or mismatched file can get wrong and throw std::runtime_error naming the file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cortexsim {

/// A labelled set of samples with features scaled to [0, 1].
struct dataset {
    std::size_t n_samples = 0;
    std::size_t n_features = 0;
    /// One more than the largest label read (labels are 0 .. n_classes-1).
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
/// (then only that prefix of each file is read and checked). Throws std::runtime_error on an
/// unreadable file, a wrong magic number, zero dimensions, differing counts or truncation.
dataset read_idx_pair(const std::string& images_path, const std::string& labels_path,
                      std::size_t max_samples = 0);

/// Reads scikit-learn's digits.csv.gz (gzip or plain): one sample a line, 64 comma-separated
/// pixel values 0..16 and the label last. Pixels become `value / 16.0f`. `max_samples` > 0
/// reads only the first that many lines. Throws std::runtime_error naming file and line.
dataset read_digits_csv(const std::string& path, std::size_t max_samples = 0);

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
