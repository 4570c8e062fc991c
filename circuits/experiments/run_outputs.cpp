#include "circuits/experiments/run_outputs.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <Eigen/Core>
#include <filesystem>
#include <fstream>

#include "circuits/lowered_model.hpp"
#include "core/checkpoint/state_archive.hpp"
#include "core/config/toml_loader.hpp"
#include "core/config/toml_version.hpp"
#include "core/errors.hpp"
#include "core/recording/text_file.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

namespace {

/// Feeds one record to its population of report.h5, reordering the recorder's variable-major
/// row (the CSV column order) into SONATA's node-major columns (make_node_major_layout).
class sonata_sink final : public trace_sink {
public:
    sonata_sink(sonata_writer& report, const std::string& group, const std::string& population,
                const lowered_record& r, const lowered_model& m)
        : report_(report) {
        node_major_layout layout = make_node_major_layout(r.variables.size(), r.neurons);
        sonata_population_desc d;
        d.name = group;
        d.node_ids = std::move(layout.node_ids);
        d.variables = r.variables;
        d.attributes = {{"population", population}};
        // The simulation samples at k * interval_ms from the window's start on.
        d.start_ms = simulation::first_sample_ms(r.interval_ms, r.start_ms);
        d.step_ms = r.interval_ms;
        if (r.at_phase >= 0) {
            // Once per trial (every every_trials-th), at the phase's end: trials follow each
            // other without gaps.
            double trial = 0.0;
            for (std::size_t k = 0; k < m.phases.size(); ++k) {
                trial += m.phases[k].duration_ms;
                if (k == static_cast<std::size_t>(r.at_phase)) d.start_ms = trial;
            }
            d.step_ms = trial * static_cast<double>(r.every_trials);
            d.attributes["sampled_at"] = "end of phase " + m.phases[static_cast<std::size_t>(r.at_phase)].name;
        }
        index_ = report_.add_population(d);
        source_ = std::move(layout.source_column);
        row_.resize(source_.size());
    }
    void write_row(double t_ms, const double* row) override {
        for (std::size_t c = 0; c < source_.size(); ++c) row_[c] = row[source_[c]];
        report_.append(index_, t_ms, row_.data());
    }
    /// Nothing to do: the file is shared by every record and closed once, by run_model.
    void close() override {}

private:
    sonata_writer& report_;
    std::size_t index_ = 0;
    std::vector<std::size_t> source_;
    std::vector<double> row_;
};

} // namespace

std::map<std::string, std::string> provenance() {
    return {
        {"cortexsim_version", CORTEXSIM_VERSION},
        {"sundials_version", ode::sundials_version()},
        {"eigen_version", std::to_string(EIGEN_WORLD_VERSION) + "." +
                              std::to_string(EIGEN_MAJOR_VERSION) + "." +
                              std::to_string(EIGEN_MINOR_VERSION)},
        {"tomlplusplus_version", config::tomlplusplus_version()},
    };
}

std::string choose_run_dir(const model_desc& desc, const run_options& options) {
    if (!options.out_dir.empty()) return options.out_dir;
    if (!desc.simulation.output.value.empty()) return desc.simulation.output.value;
    return (fs::path("runs") / desc.simulation.name.value).string();
}

void write_resolved_model(const model_desc& desc, const std::string& run_dir) {
    std::error_code ec;
    fs::create_directories(run_dir, ec);
    if (ec) throw output_error(run_dir, "cannot create the run folder: " + ec.message());
    write_text_file((fs::path(run_dir) / "model.resolved.toml").string(),
                    config::write_model_toml(desc, provenance()));
}

void task_table::write(double key, const std::vector<double>& values) {
    csv_->write_row(key, values.data());
    row_.resize(values.size() + 1);
    row_[0] = key;
    std::copy(values.begin(), values.end(), row_.begin() + 1);
    outputs_->append_table_row(h5_table_, row_.data());
}

void run_outputs::check_folder() const {
    // Files written into a removed folder vanish with it: writes into open files still
    // succeed, so the run would go on for nothing until it creates its next file.
    struct stat st {};
    if (::stat(run_dir_.c_str(), &st) != 0 || st.st_dev != folder_device_ || st.st_ino != folder_inode_)
        throw output_error(run_dir_, "the run folder was removed or replaced during the run");
}

void run_outputs::end_block() {
    check_folder();
    for (auto& t : tables_) t->csv_->flush();
    if (report_) report_->flush_tables();
}

task_table& run_outputs::add_task_table(const std::string& name, const std::string& key,
                                        const std::vector<std::string>& columns) {
    auto t = std::make_unique<task_table>();
    t->path_ = (fs::path(run_dir_) / (name + ".csv")).string();
    t->csv_ = open_file(t->path_, columns, key);
    t->outputs_ = this;
    report_table_desc d;
    d.path = "summary/" + name;
    d.columns = {key};
    d.columns.insert(d.columns.end(), columns.begin(), columns.end());
    d.attributes = {{"csv", name + ".csv"}};
    t->h5_table_ = add_table(d);
    files_.push_back(t->path_);
    tables_.push_back(std::move(t));
    return *tables_.back();
}

std::unique_ptr<csv_writer> run_outputs::open_file(const std::string& path, const std::vector<std::string>& columns,
                                                   const std::string& first_column) {
    if (resume_ && !csv_resume_.bytes.count(path))
        throw std::runtime_error("checkpoint '" + resume_->path() + "' does not know the file '" + path +
                                 "': it was taken with other outputs (--format)");
    return open_csv(path, columns, first_column, resume_ ? &csv_resume_ : nullptr);
}

run_outputs::run_outputs(network& net, const model_desc& desc, const run_options& options,
                         const std::string& run_dir, simulation& sim, stop_check& stop,
                         trial_runner* trials, const state_reader* resume)
    : resume_(resume), net_(net), run_dir_(run_dir), csv_(options.format != report_format::hdf5) {
    const lowered_model& m = net.model();
    if (resume_) {
        // Files by name in the folder, so a run folder moved elsewhere still resumes.
        const auto& names = resume_->text("out/csv_files");
        const auto& sizes = resume_->u64s("out/csv_bytes");
        std::size_t k = 0, start = 0;
        for (std::size_t i = 0; i <= names.size(); ++i) {
            if (i < names.size() && names[i] != '\n') continue;
            if (i > start && k < sizes.size())
                csv_resume_.bytes[(fs::path(run_dir) / names.substr(start, i - start)).string()] =
                    static_cast<long long>(sizes[k++]);
            start = i + 1;
        }
    }
    const bool csv = options.format != report_format::hdf5;
    reserve_ = disk_reserve((fs::path(run_dir) / disk_reserve::file_name).string(),
                            disk_reserve::default_bytes);
    struct stat st {};
    if (::stat(run_dir.c_str(), &st) != 0) throw output_error(run_dir, std::strerror(errno));
    folder_device_ = st.st_dev;
    folder_inode_ = st.st_ino;
    if (options.format != report_format::csv) {
        const std::string file = (fs::path(run_dir) / "report.h5").string();
        if (resume_) {
            sonata_positions at;
            for (const auto& [name, list] : {std::pair{"out/h5_populations", &at.populations},
                                             std::pair{"out/h5_tables", &at.tables},
                                             std::pair{"out/h5_weights", &at.weights}})
                for (std::uint64_t n : resume_->u64s(name)) list->push_back(static_cast<std::size_t>(n));
            report_ = std::make_unique<sonata_writer>(file, options.precision,
                                                      sonata_writer::default_chunk_rows, at);
        } else {
            report_ = std::make_unique<sonata_writer>(file, options.precision);
        }
        report_->set_file_attribute("model", desc.simulation.name.value);
        report_->set_file_attribute("seed", std::to_string(desc.simulation.seed.value));
        for (const auto& [key, value] : provenance()) report_->set_file_attribute(key, value);
        files_.push_back(file);
    }
    for (const auto& r : m.records) {
        // The k-th further record of a population is <population>_<k> (lowering names it),
        // in both formats.
        const std::string& pop = m.populations[r.population].name;
        const std::string& name = r.name;
        recorders_.push_back(std::make_unique<trace_recorder>(net, r));
        trace_recorder* rec = recorders_.back().get();
        if (csv) {
            const std::string file = (fs::path(run_dir) / (name + ".csv")).string();
            if (resume_ && !csv_resume_.bytes.count(file))
                throw std::runtime_error("checkpoint '" + resume_->path() + "' does not know the file '" + file + "'");
            rec->add_csv(file, resume_ ? &csv_resume_ : nullptr);
            files_.push_back(file);
        }
        if (report_) rec->add_sink(std::make_unique<sonata_sink>(*report_, name, pop, r, m));
        if (r.at_phase >= 0) {
            // Once per trial, at the end of the phase, with the state its rules read.
            if (!trials)
                throw std::logic_error("record '" + name + "' samples at a phase end, but the run has no trials");
            const std::size_t counter = phase_end_seen_.size();
            phase_end_seen_.push_back(0);
            trials->on_phase_end([this, rec, counter, phase = static_cast<std::size_t>(r.at_phase),
                                  every = r.every_trials](std::size_t k, double t, const double* y) {
                if (k == phase && phase_end_seen_[counter]++ % every == 0) rec->sample(t, y);
            });
            continue;
        }
        sim.add_sampler(
            r.interval_ms,
            [rec, &stop](double t, const double* y) {
                stop.before_sample(t);
                rec->sample(t, y);
            },
            r.start_ms, r.stop_ms);
    }
    // Neuromodulator levels: a table neuromodulator_<name>.csv and /summary/neuromodulator_<name>.
    for (const lowered_modulator_record& r : m.modulator_records) {
        task_table& t = add_task_table(r.name, "t_ms", {"level"});
        const std::size_t k = r.neuromodulator;
        if (r.at_phase >= 0) {
            if (!trials) throw std::logic_error("record '" + r.name + "' samples at a phase end, but the run has no trials");
            trials->on_phase_end([&t, &net, k, phase = static_cast<std::size_t>(r.at_phase)](std::size_t p, double time,
                                                                                           const double*) {
                if (p == phase) t.write(time, {net.modulator(k)});
            });
            continue;
        }
        sim.add_sampler(r.interval_ms, [&t, &net, &stop, k](double time, const double*) {
            stop.before_sample(time);
            t.write(time, {net.modulator(k)});
        });
    }
    weights_ = std::make_unique<weight_outputs>(net, options, run_dir, sim, stop, report_.get(),
                                                files_, resume_ ? &csv_resume_ : nullptr);
    summary_ = std::make_unique<error_summary>(net);
    if (!summary_->empty()) {
        const std::string file = (fs::path(run_dir) / "error_summary.csv").string();
        summary_csv_ = open_file(file, summary_->columns());
        summary_row_.resize(summary_->columns().size());
        files_.push_back(file);
        learning_ = std::make_unique<learning_summary>(summary_->columns());
        if (report_) {
            report_table_desc table;
            table.path = "summary/error_signals";
            table.columns = {"t_ms"};
            table.columns.insert(table.columns.end(), summary_->columns().begin(),
                                 summary_->columns().end());
            table.attributes = {{"csv", "error_summary.csv"}};
            summary_table_ = report_->add_table(table);
            summary_table_row_.resize(table.columns.size());
        }
        sim.add_sampler(m.summary_interval_ms, [this, &stop](double t, const double* y) {
            stop.before_sample(t);
            summary_->compute(t, y, summary_row_.data());
            summary_csv_->write_row(t, summary_row_.data());
            record_summary(t);
        });
    }
    if (resume_) {
        const auto& rows = resume_->u64s("out/trace_rows", recorders_.size());
        for (std::size_t k = 0; k < recorders_.size(); ++k) recorders_[k]->set_rows(static_cast<std::size_t>(rows[k]));
        weights_->set_rows(resume_->u64s("out/weight_rows"));
        const auto& seen = resume_->u64s("out/phase_end_seen", phase_end_seen_.size());
        for (std::size_t k = 0; k < seen.size(); ++k) phase_end_seen_[k] = static_cast<std::size_t>(seen[k]);
        if (learning_) learning_->restore_state(*resume_);
    }
}

void run_outputs::save_state(state_writer& w) {
    check_folder();
    for (auto& rec : recorders_) rec->flush();
    weights_->flush();
    if (summary_csv_) summary_csv_->flush();
    for (auto& t : tables_) t->csv_->flush();
    if (report_) {
        report_->flush();
        const sonata_positions at = report_->positions();
        auto u64 = [](const std::vector<std::size_t>& v) { return std::vector<std::uint64_t>(v.begin(), v.end()); };
        w.put_u64("out/h5_populations", u64(at.populations));
        w.put_u64("out/h5_tables", u64(at.tables));
        w.put_u64("out/h5_weights", u64(at.weights));
    }
    std::string names;
    std::vector<std::uint64_t> sizes;
    for (const auto& file : files_) {
        if (fs::path(file).extension() != ".csv") continue;
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        if (ec) throw output_error(file, "cannot read its size for the checkpoint: " + ec.message());
        names += fs::path(file).filename().string() + "\n";
        sizes.push_back(static_cast<std::uint64_t>(size));
    }
    w.put_string("out/csv_files", names);
    w.put_u64("out/csv_bytes", sizes);
    std::vector<std::uint64_t> rows;
    for (const auto& rec : recorders_) rows.push_back(rec->rows());
    w.put_u64("out/trace_rows", rows);
    w.put_u64("out/weight_rows", weights_->rows());
    w.put_u64("out/phase_end_seen", std::vector<std::uint64_t>(phase_end_seen_.begin(), phase_end_seen_.end()));
    if (learning_) learning_->save_state(w);
}

void run_outputs::record_summary(double t_ms) {
    learning_->add_row(summary_row_.data());
    if (!report_) return;
    summary_table_row_[0] = t_ms;
    std::copy(summary_row_.begin(), summary_row_.end(), summary_table_row_.begin() + 1);
    report_->append_table_row(summary_table_, summary_table_row_.data());
}

/*
 * Closing on the error path. report.h5 is closed first, while the CSV writers still hold
 * their buffered lines: its closing metadata flush needs the space the reserve gives back,
 * and a CSV written into that space first could take it. After a failed write, the buffered
 * rows are dropped instead of written (abandon), so the close writes metadata only and the
 * file holds every chunk written before the fault. The CSV writers then write what they can,
 * whole lines only (csv_writer).
 */
void run_outputs::abandon_report() noexcept {
    reserve_.release();
    if (report_) report_->abandon();
}

run_outputs::~run_outputs() {
    if (closed_) return;
    if (output_failed_ || !report_) {
        abandon_report();
        return;
    }
    reserve_.release();
    try {
        report_->close();  // e.g. after a numerical failure: keep the last partial chunk
    } catch (...) {
        report_->abandon();
    }
}

void run_outputs::close(run_result& result) {
    closed_ = true;
    try {
        check_folder();
        for (auto& rec : recorders_) {
            rec->close();
            result.samples += rec->rows();
        }
        weights_->close();
        if (summary_csv_) summary_csv_->close();
        for (auto& t : tables_) t->csv_->close();
        if (learning_) result.learning_table = learning_->format();
        reserve_.release();
        if (report_) report_->close();
    } catch (const output_error&) {
        abandon_report();
        throw;
    }
    result.files.insert(result.files.end(), files_.begin(), files_.end());
}

std::size_t run_outputs::add_table(const report_table_desc& desc) {
    return report_ ? report_->add_table(desc) : 0;
}

void run_outputs::append_table_row(std::size_t table, const double* row) {
    if (report_) report_->append_table_row(table, row);
}

} // namespace cortexsim
