#pragma once
/// Read-only access to an HDF5 report (report.h5) for tools such as `cortexsim inspect`: the
/// tree of groups and data sets, their shapes and types, attributes, and the contents of small
/// data sets. Like sonata_writer it hides every HDF5 type; failures throw std::runtime_error
/// naming the file, the object and HDF5's own messages.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cortexsim {

class report_reader {
public:
    /// Shape, element type and size of one data set.
    struct dataset_info {
        std::vector<std::uint64_t> shape;
        /// "float32", "float64", "int8" ... "uint64", "string", or "other".
        std::string dtype;
        std::size_t element_bytes = 0;  ///< 0 for variable-length strings
        std::size_t elements() const;
        /// Bytes of the values (elements x element_bytes), not the file's storage.
        std::size_t value_bytes() const { return elements() * element_bytes; }
    };

    /// Opens `path` read-only.
    explicit report_reader(const std::string& path);
    ~report_reader();
    report_reader(const report_reader&) = delete;
    report_reader& operator=(const report_reader&) = delete;

    const std::string& path() const;
    /// Whether the absolute path ("/report/hidden/data") names an object.
    bool exists(const std::string& object) const;
    bool is_group(const std::string& object) const;
    /// Names of the members of a group, in HDF5's (alphabetical) order; empty if absent.
    std::vector<std::string> members(const std::string& group) const;
    dataset_info info(const std::string& dataset) const;
    /// A numeric data set, converted to double, row-major.
    std::vector<double> doubles(const std::string& dataset) const;
    /// Row `index` of a numeric data set (all elements with that first index), converted to
    /// double, row-major: one snapshot of a weight record or one sample of a population record
    /// without reading the others.
    std::vector<double> doubles_at(const std::string& dataset, std::uint64_t index) const;
    /// A data set of strings.
    std::vector<std::string> strings(const std::string& dataset) const;
    /// A string attribute (scalar: one element; array: all); empty if there is none.
    std::vector<std::string> string_attribute(const std::string& object,
                                              const std::string& name) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace cortexsim
