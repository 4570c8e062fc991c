#include "circuits/experiments/weight_outputs.hpp"

#include <exception>
#include <filesystem>
#include <stdexcept>

#include "core/recording/csv_writer.hpp"
#include "circuits/experiments/run_outputs.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

namespace {

/// A CSV row per sample: every value of the recorder's row (stats), or the synapses only
/// (snapshots of a sparse projection skip the absent entries).
class csv_weight_sink final : public trace_sink {
public:
    csv_weight_sink(const std::string& path, const weight_recorder& rec, const csv_resume* resume) {
        std::vector<std::string> columns;
        if (rec.record().kind == weight_record_kind::stats) {
            columns = weight_recorder::stat_names();
            for (std::size_t k = 0; k < columns.size(); ++k) pick_.push_back(k);
        } else {
            const std::size_t n_source = rec.proj().source_size();
            for (std::size_t k = 0; k < rec.connected().size(); ++k) {
                if (!rec.connected()[k]) continue;
                pick_.push_back(k);
                columns.push_back("w[" + std::to_string(k / n_source) + "][" +
                                  std::to_string(k % n_source) + "]");
            }
        }
        writer_ = open_csv(path, columns, "t_ms", resume);
        values_.resize(pick_.size());
    }
    void write_row(double t_ms, const double* row) override {
        for (std::size_t k = 0; k < pick_.size(); ++k) values_[k] = row[pick_[k]];
        writer_->write_row(t_ms, values_.data());
    }
    void close() override { writer_->close(); }
    void flush() override { writer_->flush(); }

private:
    std::unique_ptr<csv_writer> writer_;
    std::vector<std::size_t> pick_;
    std::vector<double> values_;
};

/// String attributes naming the projection behind a weight group of report.h5.
std::map<std::string, std::string> projection_attributes(const network& net,
                                                         const weight_recorder& rec) {
    const lowered_projection& d = rec.proj().desc();
    const auto& pops = net.model().populations;
    return {{"projection", d.name},
            {"source", pops[d.source].name},
            {"target", pops[d.target].name},
            {"compartment", d.compartment}};
}

class h5_stats_sink final : public trace_sink {
public:
    h5_stats_sink(sonata_writer& report, const std::string& name,
                  std::map<std::string, std::string> attributes)
        : report_(report) {
        report_table_desc d;
        d.path = "weight_stats/" + name;
        d.columns = {"t_ms"};
        for (const auto& s : weight_recorder::stat_names()) d.columns.push_back(s);
        d.attributes = std::move(attributes);
        table_ = report_.add_table(d);
        row_.resize(d.columns.size());
    }
    void write_row(double t_ms, const double* row) override {
        row_[0] = t_ms;
        std::copy(row, row + row_.size() - 1, row_.begin() + 1);
        report_.append_table_row(table_, row_.data());
    }
    void close() override {}  // the report is closed once, by run_outputs

private:
    sonata_writer& report_;
    std::size_t table_ = 0;
    std::vector<double> row_;
};

class h5_weights_sink final : public trace_sink {
public:
    h5_weights_sink(sonata_writer& report, const std::string& name, const weight_recorder& rec,
                    std::map<std::string, std::string> attributes)
        : report_(report) {
        weight_series_desc d;
        d.name = name;
        d.post = rec.proj().target_size();
        d.pre = rec.proj().source_size();
        d.connected = rec.connected();
        // The simulation samples at k * interval_ms from the window's start on.
        d.start_ms = simulation::first_sample_ms(rec.record().interval_ms, rec.record().start_ms);
        d.step_ms = rec.record().interval_ms;
        d.attributes = std::move(attributes);
        series_ = report_.add_weight_series(d);
    }
    void write_row(double t_ms, const double* row) override {
        report_.append_weights(series_, t_ms, row);
    }
    void close() override {}

private:
    sonata_writer& report_;
    std::size_t series_ = 0;
};

} // namespace

weight_outputs::weight_outputs(const network& net, const run_options& options,
                               const std::string& run_dir, simulation& sim, stop_check& stop,
                               sonata_writer* report, std::vector<std::string>& files,
                               const csv_resume* resume) {
    const bool csv = options.format != report_format::hdf5;
    for (const lowered_weight_record& r : net.model().weight_records) {
        const projection& p = net.projections()[r.projection];
        if (r.kind == weight_record_kind::weights && report == nullptr &&
            p.synapse_count() > max_csv_weights)
            throw std::runtime_error(
                "the weights of projection '" + p.desc().name + "' (" +
                std::to_string(p.synapse_count()) + " synapses) are too many for a CSV file (at "
                "most " + std::to_string(max_csv_weights) + "); run with --format hdf5 or both, "
                "or record what = \"weight_stats\"");
    }
    for (const lowered_weight_record& r : net.model().weight_records) {
        recorders_.push_back(std::make_unique<weight_recorder>(net, r));
        weight_recorder* rec = recorders_.back().get();
        const bool stats = r.kind == weight_record_kind::stats;
        if (csv && (stats || rec->proj().synapse_count() <= max_csv_weights)) {
            const std::string file =
                (fs::path(run_dir) / ((stats ? "weight_stats_" : "weights_") + r.name + ".csv"))
                    .string();
            rec->add_sink(std::make_unique<csv_weight_sink>(file, *rec, resume));
            files.push_back(file);
        }
        if (report != nullptr) {
            auto attributes = projection_attributes(net, *rec);
            if (stats)
                rec->add_sink(std::make_unique<h5_stats_sink>(*report, r.name, attributes));
            else
                rec->add_sink(std::make_unique<h5_weights_sink>(*report, r.name, *rec, attributes));
        }
        sim.add_sampler(
            r.interval_ms,
            [rec, &stop](double t, const double*) {
                stop.before_sample(t);
                rec->sample(t);
            },
            r.start_ms, r.stop_ms);
    }
}

void weight_outputs::close() { close_each(recorders_); }

void weight_outputs::flush() {
    for (auto& r : recorders_) r->flush();
}

std::vector<std::uint64_t> weight_outputs::rows() const {
    std::vector<std::uint64_t> n;
    for (const auto& r : recorders_) n.push_back(r->rows());
    return n;
}

void weight_outputs::set_rows(const std::vector<std::uint64_t>& rows) {
    for (std::size_t k = 0; k < recorders_.size() && k < rows.size(); ++k) recorders_[k]->set_rows(rows[k]);
}

} // namespace cortexsim
