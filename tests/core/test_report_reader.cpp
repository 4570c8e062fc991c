// report_reader (core/recording/report_reader.hpp), the read side `cortexsim inspect` uses,
// on a file written by sonata_writer.
#include <catch2/catch.hpp>

#include <filesystem>

#include "core/recording/report_reader.hpp"
#include "core/recording/sonata_writer.hpp"

using namespace cortexsim;
namespace fs = std::filesystem;

TEST_CASE("report_reader lists groups and reads shapes, types, strings and numbers",
          "[core][hdf5]") {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_report_reader";
    fs::create_directories(dir);
    const std::string path = (dir / "r.h5").string();
    {
        sonata_writer w(path, sample_precision::float64, 4);
        w.set_file_attribute("seed", "42");
        sonata_population_desc d;
        d.name = "hidden";
        d.node_ids = {3, 1};
        d.variables = {"u_soma", "rate"};
        d.step_ms = 0.5;
        const std::size_t p = w.add_population(d);
        const double row[4] = {1, 2, 3, 4};
        for (int k = 0; k < 5; ++k) w.append(p, 0.5 * k, row);
    }
    const report_reader r(path);
    CHECK(r.members("/") == std::vector<std::string>{"report"});
    CHECK(r.members("/report") == std::vector<std::string>{"hidden"});
    CHECK(r.members("/nothing").empty());
    CHECK(r.is_group("/report/hidden"));
    CHECK_FALSE(r.is_group("/report/hidden/data"));
    CHECK(r.exists("/report/hidden/mapping/time"));
    CHECK_FALSE(r.exists("/report/hidden/mapping/nothing/deeper"));
    const report_reader::dataset_info data = r.info("/report/hidden/data");
    CHECK(data.shape == std::vector<std::uint64_t>{5, 4});
    CHECK(data.dtype == "float64");
    CHECK(data.value_bytes() == 5 * 4 * 8);
    CHECK(r.info("/report/hidden/mapping/node_ids").dtype == "uint64");
    CHECK(r.info("/report/hidden/mapping/element_ids").dtype == "uint32");
    CHECK(r.info("/report/hidden/mapping/variables").dtype == "string");
    CHECK(r.strings("/report/hidden/mapping/variables") ==
          std::vector<std::string>{"u_soma", "rate"});
    CHECK(r.doubles("/report/hidden/mapping/time") == std::vector<double>{0.0, 2.5, 0.5});
    CHECK(r.doubles("/report/hidden/mapping/node_ids") == std::vector<double>{3, 1});
    CHECK(r.string_attribute("/", "seed") == std::vector<std::string>{"42"});
    CHECK(r.string_attribute("/", "absent").empty());
    CHECK_THROWS_WITH(r.doubles("/report/hidden/mapping/variables"),
                      Catch::Matchers::Contains("not numbers"));
    CHECK_THROWS_WITH(r.info("/report/nothing"),
                      Catch::Matchers::Contains("opening data set '/report/nothing' failed"));
    CHECK_THROWS_WITH(report_reader((dir / "missing.h5").string()),
                      Catch::Matchers::Contains("missing.h5': opening the file failed"));
}
