// I/O faults (issue 15, item 3): a full disk at 15 fill levels, a read-only folder, the run
// folder removed mid-run, a FIFO or a device as an input file. Each ends with a clear message
// naming the file and a documented exit code (4 for output files, 1 for inputs), never a
// signal; what was written before the fault reads back (whole CSV lines, the uninterrupted
// run's first rows, a report.h5 that opens). The tmpfs cases need root: skipped elsewhere.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <thread>

#include "../skip.hpp"
#include "core/errors.hpp"
#include "core/recording/csv_writer.hpp"
#include "child_process.hpp"
#include "fault_support.hpp"
#include "tmpfs_mount.hpp"

using namespace cortexsim::testing;
using Catch::Matchers::Contains;

namespace {

constexpr int exit_output = 4;  // tools/cli/main.cpp, docs/output_files.md

/// examples/reber_column.toml, short: 4 blocks of 25 trials.
std::vector<std::string> short_reber(const fs::path& out) {
    return {"run", std::string(CORTEXSIM_SOURCE_DIR) + "/examples/reber_column.toml", "--out", out.string(),
            "--set", "task.trials=100", "--set", "task.block_trials=25"};
}

void write_file(const fs::path& p, std::size_t bytes) {
    std::ofstream out(p, std::ios::binary);
    const std::string block(4096, 'x');
    for (std::size_t done = 0; done < bytes; done += block.size())
        out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), bytes - done)));
}

std::size_t folder_bytes(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) n += e.file_size();
    return n;
}

} // namespace

TEST_CASE("a full disk at 15 fill levels: exit 4 naming the file, readable files, no signal", "[faults][disk_full]") {
    const fs::path root = fresh_dir("disk_full");
    const fs::path reference = root / "reference";
    const child_exit full = run_child(short_reber(reference), (root / "reference.log").string());
    INFO(full.out);
    REQUIRE(full.code == 0);
    const std::size_t output_bytes = folder_bytes(reference);

    // A tmpfs that holds a run and a little more; the filler leaves from all of it to almost
    // nothing, so the disk fills at every stage of the run.
    const std::size_t size_kib = 768;
    const fs::path mount_dir = root / "mnt";
    tmpfs_mount disk(mount_dir, size_kib);
    if (!disk.ok()) CORTEXSIM_SKIP("cannot mount a tmpfs at " << mount_dir << " (" << disk.error() << "; needs root)");
    std::cout << "disk_full: a run writes " << output_bytes / 1024 << " KiB; tmpfs of " << size_kib << " KiB\n";

    std::size_t passed = 0, failed_clean = 0, completed = 0, h5_opened = 0, mid_run = 0;
    for (std::size_t level = 0; level < 15; ++level) {
        for (const auto& e : fs::directory_iterator(mount_dir)) fs::remove_all(e.path());
        const std::size_t fill = level * (size_kib - 8) * 1024 / 14;
        write_file(mount_dir / "filler", fill);
        const fs::path dir = mount_dir / "run";
        // The output budget would refuse the fuller levels before any write; the faults
        // under test are those of writing, so the budget is lifted.
        std::vector<std::string> args = short_reber(dir);
        args.insert(args.end(), {"--max-output", "1TB"});
        const child_exit e = run_child(args, (root / ("level_" + std::to_string(level) + ".log")).string());
        INFO("level " << level << ": " << fill / 1024 << " KiB filled; exit " << (e.signalled ? "by signal " : "")
                      << e.code << "\n" << e.out);
        REQUIRE(!e.signalled);
        REQUIRE((e.code == 0 || e.code == exit_output));
        if (e.code == exit_output) {
            CHECK_THAT(e.out, Contains("cortexsim: output error: cannot write '" + mount_dir.string()));
            ++failed_clean;
        } else {
            CHECK(fs::exists(dir / "run_summary.txt"));
            ++completed;
        }
        if (fs::exists(dir)) {
            CHECK(!fs::exists(dir / ".cortexsim_disk_reserve"));  // given back on every path
            check_whole_lines(dir);
            for (const char* file : {"learning_curve.csv", "trials.csv", "error_summary.csv", "col.pulvinar.csv",
                                     "model.resolved.toml"})
                check_prefix(dir, reference, file);
            // A fault after the first block: the run was under way.
            mid_run += e.code == exit_output && check_prefix(dir, reference, "learning_curve.csv") > 0;
            if (fs::exists(dir / "report.h5")) {
                const std::size_t curve = check_report_table(dir, "learning_curve");
                check_report_table(dir, "trials");
                if (e.code == 0) CHECK(curve == 4);
                ++h5_opened;
            }
        }
        std::cout << "disk_full: level " << level << ", " << fill / 1024 << " KiB filled: exit " << e.code << " in "
                  << e.wall_s << " s" << (e.code ? ": " + e.out.substr(e.out.rfind("cortexsim: ")) : "\n");
        ++passed;
    }
    std::cout << "disk_full: " << passed << " of 15 levels passed (" << completed << " completed, " << failed_clean
              << " exit 4, " << mid_run << " of them after the first block), report.h5 opened " << h5_opened
              << " times\n";
    CHECK(passed == 15);
    // The levels reach the disk's end at every stage: not at all, during the run, at its start.
    CHECK(completed >= 1);
    CHECK(mid_run >= 2);
    CHECK(failed_clean >= 5);
}

TEST_CASE("a read-only output folder: exit 4 naming the folder or file", "[faults][read_only]") {
    const fs::path root = fresh_dir("read_only");
    const fs::path mount_dir = root / "mnt";
    tmpfs_mount disk(mount_dir, 1024);  // room for the run: the fault is the read-only mount
    if (!disk.ok()) CORTEXSIM_SKIP("cannot mount a tmpfs at " << mount_dir << " (" << disk.error() << "; needs root)");
    fs::create_directories(mount_dir / "empty");
    REQUIRE(disk.make_read_only());
    // A new folder cannot be created; an existing empty one cannot take files.
    const child_exit a = run_child(short_reber(mount_dir / "new"), (root / "a.log").string(), 10);
    INFO(a.out);
    CHECK(!a.signalled);
    CHECK(a.code == exit_output);
    CHECK_THAT(a.out, Contains("cannot write '" + (mount_dir / "new").string() + "': cannot create the run folder"));
    const child_exit b = run_child(short_reber(mount_dir / "empty"), (root / "b.log").string(), 10);
    INFO(b.out);
    CHECK(!b.signalled);
    CHECK(b.code == exit_output);
    CHECK_THAT(b.out, Contains("cannot write '" + (mount_dir / "empty" / "model.resolved.toml").string() +
                               "': Read-only file system"));
}

TEST_CASE("the run folder removed mid-run: exit 4 at the next block", "[faults][removed]") {
    const fs::path root = fresh_dir("removed");
    const fs::path dir = root / "run";
    std::vector<std::string> args = short_reber(dir);
    args[args.size() - 3] = "task.trials=2000";  // long enough to be removed under it
    child_process run(args, (root / "run.log").string());
    // Wait for the first finished block, then remove the folder.
    while (!run.ended() && slurp(root / "run.log").find(" trials:") == std::string::npos && run.elapsed_s() < 30)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double removed_at = run.elapsed_s();
    fs::remove_all(dir);
    const child_exit e = run.wait(60);
    INFO(e.out);
    CHECK(!e.signalled);
    CHECK(e.code == exit_output);
    CHECK_THAT(e.out, Contains("cannot write '" + dir.string() + "': the run folder was removed or replaced during the run"));
    std::cout << "removed: folder removed at " << removed_at << " s, the run ended " << e.wall_s - removed_at
              << " s later with exit " << e.code << "\n";
    CHECK(e.wall_s - removed_at < 5.0);
}

TEST_CASE("a FIFO or a device as an input file is refused at once, located", "[faults][fifo]") {
    const fs::path dir = fresh_dir("fifo");
    const fs::path fifo = dir / "input.csv";
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    // A model whose stimulus reads `file` (line 13), written to `name`.
    auto model = [&](const std::string& name, const std::string& file) {
        std::ofstream(dir / name) << "[simulation]\nduration_ms = 10.0\n\n[[population]]\nname = \"p\"\n"
                                     "model = \"input\"\nsize = 2\n\n[[stimulus]]\ntarget = \"p\"\n"
                                     "mode = \"rate\"\nkind = \"file\"\nfile = \""
                                  << file << "\"\nstep_ms = 1.0\n";
        return (dir / name).string();
    };
    struct input_case {
        std::vector<std::string> args;
        std::string expected;
    };
    const std::vector<input_case> cases = {
        {{"validate", model("fifo.toml", "input.csv")},
         (dir / "fifo.toml").string() + ":13:8: stimulus[0].file: stimulus file '" + fifo.string() +
             "' is a FIFO (named pipe), not a regular file"},
        {{"run", model("device.toml", "/dev/zero"), "--out", (dir / "run").string()},
         (dir / "device.toml").string() + ":13:8: stimulus[0].file: stimulus file '/dev/zero' is a character device, not a regular file"},
        {{"validate", std::string(CORTEXSIM_SOURCE_DIR) + "/examples/digits_classification.toml", "--set",
          "task.dataset=\"" + fifo.string() + "\""},
         "task.dataset: " + fifo.string() + ": is a FIFO (named pipe), not a regular file"},
    };
    for (const input_case& c : cases) {
        const child_exit e = run_child(c.args, (dir / "log").string(), 10);
        INFO(c.args[1] << "\n" << e.out);
        CHECK(!e.signalled);
        CHECK(e.code == 1);
        CHECK_THAT(e.out, Contains(c.expected));
        CHECK(e.wall_s < 2.0);
        std::cout << "fifo: " << c.expected.substr(c.expected.find("is a")) << ": exit " << e.code << " in " << e.wall_s
                  << " s\n";
    }
}

TEST_CASE("a CSV block that does not fit is cut back to the last whole line", "[faults][disk_full]") {
    const fs::path root = fresh_dir("csv_full");
    tmpfs_mount disk(root / "mnt", 16);
    if (!disk.ok()) CORTEXSIM_SKIP("cannot mount a tmpfs at " << root / "mnt" << " (" << disk.error() << "; needs root)");
    const std::string path = (root / "mnt" / "table.csv").string();
    cortexsim::csv_writer csv(path, {"a", "b", "c", "d", "e"}, "t_ms", 7);
    const double row[5] = {0.1, -2.5e-7, 3.0, 1.0 / 3.0, 42.0};
    std::size_t written = 0;
    std::string message;
    try {
        for (; written < 100000; ++written) csv.write_row(static_cast<double>(written), row);
    } catch (const cortexsim::output_error& e) {
        message = e.what();
    }
    INFO(message);
    CHECK_THAT(message, Contains("cannot write '" + path + "': No space left on device"));
    const std::vector<std::string> lines = split_lines(slurp(path));
    const std::string text = slurp(path);
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');
    CHECK((lines.size() - 1) % 7 == 0);  // the header, then whole blocks of 7 rows
    CHECK(lines.size() - 1 < written);    // the block that did not fit is gone
    for (std::size_t k = 1; k < lines.size(); ++k)
        CHECK(std::count(lines[k].begin(), lines[k].end(), ',') == 5);
    CHECK_THROWS_AS(csv.write_row(0.0, row), cortexsim::output_error);  // nothing more after a failure
    std::cout << "csv_full: " << lines.size() - 1 << " whole rows kept of " << written << " written on a 16 KiB tmpfs\n";
}
