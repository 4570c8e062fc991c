#pragma once
// Two run folders hold the same results, bit for bit: every CSV file byte for byte and every
// data set of report.h5 value for value (HDF5's own layout may differ: a resumed report grows
// its chunks in other steps). For the checkpoint tests, whose truth is the run that was never
// interrupted.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "file_text.hpp"
#include "h5_read.hpp"

namespace cortexsim::testing {

/// Every data set below `path`, by name, with its raw bytes in its stored type.
inline void collect_datasets(hid_t file, const std::string& path, std::map<std::string, std::vector<char>>& out) {
    for (const std::string& name : h5_members(file, path)) {
        const std::string full = (path == "/" ? "/" : path + "/") + name;
        H5O_info_t info;
        h5_check(H5Oget_info_by_name2(file, full.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT), "info " + full);
        if (info.type == H5O_TYPE_GROUP) {
            collect_datasets(file, full, out);
            continue;
        }
        if (info.type != H5O_TYPE_DATASET) continue;
        h5_id set(H5Dopen2(file, full.c_str(), H5P_DEFAULT), H5Dclose, "opening " + full);
        h5_id type(H5Dget_type(set.get()), H5Tclose, "type of " + full);
        h5_id space(H5Dget_space(set.get()), H5Sclose, "space of " + full);
        if (H5Tget_class(type.get()) == H5T_STRING) {
            out[full] = {};  // mapping names: written once, compared by presence
            continue;
        }
        const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
        std::vector<char> bytes(n * H5Tget_size(type.get()));
        if (n > 0) h5_check(H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), "reading " + full);
        out[full] = std::move(bytes);
    }
}

/// The two run folders hold the same results: CSV files byte for byte, report.h5's data sets
/// value for value (HDF5's own layout differs: a resumed report grows in other steps).
inline void require_same_results(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::set<std::string> csv;
    for (const auto& e : std::filesystem::directory_iterator(a))
        if (e.path().extension() == ".csv") csv.insert(e.path().filename().string());
    std::set<std::string> csv_b;
    for (const auto& e : std::filesystem::directory_iterator(b))
        if (e.path().extension() == ".csv") csv_b.insert(e.path().filename().string());
    REQUIRE(csv == csv_b);
    REQUIRE(!csv.empty());
    for (const std::string& f : csv) {
        INFO(f);
        CHECK(slurp(a / f) == slurp(b / f));
    }
    std::map<std::string, std::vector<char>> sa, sb;
    {
        h5_id fa = h5_open((a / "report.h5").string()), fb = h5_open((b / "report.h5").string());
        collect_datasets(fa.get(), "/", sa);
        collect_datasets(fb.get(), "/", sb);
    }
    REQUIRE(sa.size() == sb.size());
    REQUIRE(sa.size() > 3);
    for (const auto& [name, bytes] : sa) {
        INFO("report.h5 " << name);
        REQUIRE(sb.count(name) == 1);
        CHECK(bytes == sb.at(name));
    }
}

} // namespace cortexsim::testing
