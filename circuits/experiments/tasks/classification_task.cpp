// [task] kind = "classification": supervised classification with the network's own rules
// (circuits/tasks/classification.hpp; Sacramento et al. 2018, Sec. 3): every training sample
// is shown for present_ms with the output nudged towards u_high at its label and u_low
// elsewhere, learning on; evaluations show the test samples frozen (no nudging, no learning)
// and take the output with the highest potential. Data: "digits" (scikit-learn's 8x8 digits,
// Debian's python3-sklearn), "fashion-mnist" (Debian's dataset-fashion-mnist), a folder of IDX
// files ({train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]), a CSV file (label last) or an NPY
// file of features with `labels` an NPY file of labels. A single file is split at random
// (`test_split` held-out samples); IDX folders keep their own split.
//
// The rates follow a schedule over the epochs (circuits/tasks/rate_schedule.hpp: step, cosine or
// a list; a global plasticity gain set before each epoch, or before each sample for the
// cosine), as bench/fashion_mnist.cpp does with the step schedule; both run this same code.
// The inputs may be normalised first (circuits/tasks/input_normalization.hpp), with
// statistics from the training samples only.
// Table: learning_curve.csv (per evaluation: epoch, test and training-subset accuracy).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "circuits/experiments/pattern_protocol.hpp"
#include "circuits/experiments/progress_text.hpp"
#include "circuits/experiments/task.hpp"
#include "circuits/tasks/classification.hpp"
#include "circuits/tasks/dataset.hpp"
#include "circuits/tasks/input_normalization.hpp"
#include "circuits/tasks/pattern_driver.hpp"
#include "circuits/tasks/rate_schedule.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

namespace fs = std::filesystem;

class classification_run final : public task {
public:
    std::string input, output, source;
    double g_som = 0.8;
    rate_schedule schedule;
    std::string normalize = "none";
    double input_scale = 1.0;
    dataset train, test;
    std::vector<std::size_t> train_idx, test_idx;
    classification_options options;
    pattern_protocol protocol;
    double pattern_ms = 0.0;

    bool uses_protocol() const override { return protocol.phased; }
    bool resumable() const override { return true; }
    void run(task_run& r) override {
        pattern_driver driver(r.net, r.sim, input, output, g_som);
        protocol.attach(driver, r);
        task_table& curve = r.outputs.add_task_table("learning_curve", "samples_trained",
                                                     {"epoch", "test_accuracy", "train_accuracy"});
        classification_options o = options;
        const auto t0 = std::chrono::steady_clock::now();
        const double per_epoch = static_cast<double>(train_idx.size());
        std::size_t seen = 0;
        classification_resume resumed;
        if (r.resume) {
            // After the evaluation the checkpoint followed: the samples shown and the curve.
            const state_reader& c = *r.resume;
            resumed.seen = seen = static_cast<std::size_t>(c.u64("task/seen"));
            for (std::uint64_t n : c.u64s("task/curve_trained")) resumed.curve.trained.push_back(static_cast<std::size_t>(n));
            const std::size_t rows = resumed.curve.trained.size();
            resumed.curve.epoch = c.doubles("task/curve_epoch", rows);
            resumed.curve.test_accuracy = c.doubles("task/curve_test", rows);
            resumed.curve.train_accuracy = c.doubles("task/curve_train", rows);
            const auto& walls = c.doubles("task/walls", 4);
            resumed.curve.train_wall_s = walls[0];
            resumed.curve.eval_wall_s = walls[1];
            first_ = walls[2];
            last_ = walls[3];
            resumed.curve.train_samples = static_cast<std::size_t>(c.u64("task/train_samples"));
            if (seen > options.epochs * train_idx.size())
                throw std::runtime_error("checkpoint '" + c.path() + "' is past the end of this run's training");
            o.resume = &resumed;
        }
        o.on_epoch = [&](std::size_t e) {
            r.net.plasticity().set_rate_factor(schedule.factor(static_cast<double>(e - 1)));
        };
        o.after_sample = [&] {
            ++seen;
            if (schedule.varies_within_epoch())
                r.net.plasticity().set_rate_factor(schedule.factor(static_cast<double>(seen) / per_epoch));
            r.stop.poll(r.sim.time());
        };
        o.on_evaluation = [&](const classification_curve& c) {
            curve.write(static_cast<double>(c.trained.back()),
                        {c.epoch.back(), c.test_accuracy.back(), c.train_accuracy.back()});
            r.outputs.end_block();  // a killed run keeps every completed block
            first_ = first_ < 0 ? c.test_accuracy.back() : first_;
            last_ = c.test_accuracy.back();
            if (r.checkpoint && c.trained.back() < options.epochs * train_idx.size())
                r.checkpoint([&](state_writer& w) {
                    w.put_u64("task/seen", seen);
                    w.put_u64("task/curve_trained", std::vector<std::uint64_t>(c.trained.begin(), c.trained.end()));
                    w.put("task/curve_epoch", c.epoch);
                    w.put("task/curve_test", c.test_accuracy);
                    w.put("task/curve_train", c.train_accuracy);
                    w.put("task/walls", {c.train_wall_s, c.eval_wall_s, first_, last_});
                    w.put_u64("task/train_samples", c.train_samples);
                });
            if (!r.options.show_progress) return;
            char buf[200];
            std::snprintf(buf, sizeof buf, "epoch %6.3f (%zu samples): test accuracy %.4f  (%.1f s)\n",
                          c.epoch.back(), c.trained.back(), c.test_accuracy.back(),
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            r.log << buf << std::flush;
        };
        if (r.options.show_progress && o.progress_every > 0)
            o.progress = [&](const classification_progress& p) {
                char buf[200];
                const double total = static_cast<double>(options.epochs * p.per_epoch);
                const double done = static_cast<double>((p.epoch - 1) * p.per_epoch + p.seen_in_epoch);
                std::snprintf(buf, sizeof buf, "epoch %zu / %zu: %zu / %zu samples, %.0f samples/s  %s\n", p.epoch,
                              options.epochs, p.seen_in_epoch, p.per_epoch, p.samples_per_s,
                              elapsed_and_left(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                                               done, total)
                                  .c_str());
                r.log << buf << std::flush;
            };
        classification_task t(train, train_idx, test, test_idx, o);
        const classification_curve c = t.run(driver);
        metrics_["final_test_accuracy"] = c.test_accuracy.empty() ? 0.0 : c.test_accuracy.back();
        metrics_["untrained_test_accuracy"] = first_;
        metrics_["final_train_accuracy"] = c.train_accuracy.empty() ? 0.0 : c.train_accuracy.back();
        metrics_["samples_trained"] = static_cast<double>(c.train_samples);
        metrics_["train_wall_s"] = c.train_wall_s;   // the training presentations only
        metrics_["eval_wall_s"] = c.eval_wall_s;
    }
    std::map<std::string, double> metrics() const override { return metrics_; }
    std::string describe() const override {
        char buf[600];
        std::snprintf(buf, sizeof buf,
                      "classification of %s: %zu training / %zu test samples, %zu features, %zu classes; "
                      "%zu epoch%s of %g ms %s, input '%s', output '%s'; %s rate schedule; inputs %s x %g",
                      source.c_str(), train_idx.size(), test_idx.size(), train.n_features,
                      std::max(train.n_classes, test.n_classes), options.epochs, options.epochs == 1 ? "" : "s",
                      pattern_ms,
                      protocol.phased ? "trials (the output read at the end of its readout phase)" : "presentations",
                      input.c_str(), output.c_str(), schedule.name().c_str(),
                      normalize == "none" ? "as given" : normalize == "standardize" ? "standardized" : "normalized per sample",
                      input_scale);
        return buf;
    }
    std::string summary() const override {
        if (first_ < 0) return {};
        char buf[200];
        std::snprintf(buf, sizeof buf, "classification: test accuracy %.2f%% untrained, %.2f%% after training\n",
                      100.0 * first_, 100.0 * last_);
        return buf;
    }

private:
    double first_ = -1.0, last_ = 0.0;
    std::map<std::string, double> metrics_;
};

std::vector<std::size_t> head(std::vector<std::size_t> v, std::size_t n) {
    if (n > 0 && n < v.size()) v.resize(n);
    return v;
}

/// IDX folder: the four files, gzipped or not.
bool idx_files(const std::string& dir, std::string out[4]) {
    const char* stems[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                            "t10k-labels-idx1-ubyte"};
    for (int k = 0; k < 4; ++k) {
        const fs::path plain = fs::path(dir) / stems[k];
        const fs::path gz = fs::path(dir) / (std::string(stems[k]) + ".gz");
        if (fs::exists(gz)) out[k] = gz.string();
        else if (fs::exists(plain)) out[k] = plain.string();
        else return false;
    }
    return true;
}

/// eta_schedule and its keys; a key of another schedule is an error at that key.
void read_schedule(param_reader& r, classification_run& t) {
    const std::string kind = r.choice("eta_schedule", "step", {"step", "cosine", "list"});
    const std::size_t epochs = t.options.epochs;
    auto reject = [&](const char* key, const char* belongs) {
        if (r.has(key))
            r.fail(key, std::string("applies to eta_schedule = \"") + belongs + "\", not \"" + kind + "\"");
    };
    if (kind == "step") {
        reject("eta_final", "cosine");
        reject("eta_factors", "list");
        const double decay = r.number("eta_decay", 1.0, param_bound::positive);
        const auto after = static_cast<std::size_t>(r.count("decay_after", 0, 0, 100000));
        t.schedule = rate_schedule::step(decay, after, epochs);
    } else if (kind == "cosine") {
        reject("eta_decay", "step");
        reject("eta_factors", "list");
        const double final_factor = r.number("eta_final", 0.0, param_bound::unit_interval);
        const auto after = static_cast<std::size_t>(r.count("decay_after", 0, 0, 100000));
        if (after >= epochs)
            r.fail("decay_after", "the cosine schedule needs decay_after below epochs (" + std::to_string(epochs) +
                                      "), got " + std::to_string(after));
        t.schedule = rate_schedule::cosine(final_factor, after, epochs);
    } else {
        reject("eta_decay", "step");
        reject("decay_after", "step\" or \"cosine");
        reject("eta_final", "cosine");
        if (!r.has("eta_factors")) r.fail("eta_schedule", "eta_schedule = \"list\" needs eta_factors, one factor per epoch");
        const std::vector<located<double>> f = r.numbers("eta_factors", param_bound::non_negative);
        if (f.size() != epochs)
            r.fail("eta_factors", "needs one factor per epoch (" + std::to_string(epochs) + "), got " +
                                      std::to_string(f.size()));
        std::vector<double> factors;
        for (const auto& x : f) factors.push_back(x.value);
        t.schedule = rate_schedule::list(std::move(factors), epochs);
    }
}

/// normalize and input_scale: applied to the samples once, the statistics from the training
/// samples (train_idx) only.
void read_normalization(param_reader& r, classification_run& t) {
    const std::string kind = r.choice("normalize", "none", {"none", "standardize", "per_sample"});
    const double gain = r.number("input_scale", 1.0, param_bound::positive);
    t.normalize = kind;
    t.input_scale = gain;
    if (kind == "standardize") {
        const feature_standardizer s = fit_standardizer(t.train, t.train_idx);
        apply_standardizer(s, t.train, gain);
        apply_standardizer(s, t.test, gain);
    } else if (kind == "per_sample") {
        normalize_each_sample(t.train, gain);
        normalize_each_sample(t.test, gain);
    } else {
        scale_features(t.train, gain);
        scale_features(t.test, gain);
    }
}

std::unique_ptr<task> make(param_reader& r, network& net, const model_desc& desc) {
    auto t = std::make_unique<classification_run>();
    t->input = r.string("input", "input");
    const std::size_t in = task_population(net, t->input, r.loc_of("input"), "input", "input");
    t->output = r.required_string("output");
    const std::size_t out = task_population(net, t->output, r.loc_of("output"), "output", "pyramidal");
    const std::string data = r.required_string("dataset");
    const std::string labels = r.string("labels", "");
    const std::uint64_t seed = desc.simulation.seed.value;
    const std::size_t n_train = static_cast<std::size_t>(r.count("n_train", 0, 0, 1000000000));
    const std::size_t n_test = static_cast<std::size_t>(r.count("n_test", 0, 0, 1000000000));
    const std::size_t n_in = net.model().populations[in].size, n_out = net.model().populations[out].size;
    // A relative data path is relative to the model file, like stimulus files.
    auto resolve = [&](const std::string& p) {
        if (p.empty() || fs::path(p).is_absolute() || desc.source_file.empty()) return p;
        return (fs::path(desc.source_file).parent_path() / p).string();
    };
    std::string idx[4];
    bool single_file = true;
    try {
        if (data == "digits") {
            const std::string path = find_sklearn_digits();
            if (path.empty())
                r.fail("dataset", "scikit-learn's digits were not found: install Debian's python3-sklearn");
            t->train = read_digits_csv(path);
            t->source = "scikit-learn digits";
        } else if (data == "fashion-mnist" || fs::is_directory(resolve(data))) {
            const std::string dir = data == "fashion-mnist" ? find_fashion_mnist_dir() : resolve(data);
            if (dir.empty())
                r.fail("dataset", "Fashion-MNIST was not found: install Debian's dataset-fashion-mnist");
            if (!idx_files(dir, idx))
                r.fail("dataset", "folder '" + dir + "' lacks the IDX files {train,t10k}-{images-idx3,"
                                  "labels-idx1}-ubyte[.gz]");
            // One output neuron per class: a label beyond them is a damaged file, reported
            // with its sample, not a network of 201 classes (dataset.hpp, dataset::n_classes).
            t->train = read_idx_pair(idx[0], idx[1], 0, n_out);
            t->test = read_idx_pair(idx[2], idx[3], 0, n_out);
            t->source = data == "fashion-mnist" ? "Fashion-MNIST" : dir;
            single_file = false;
        } else {
            const std::string path = resolve(data);
            const std::string ext = fs::path(path).extension().string();
            if (ext == ".npy") {
                if (labels.empty()) r.fail("dataset", "an NPY data set needs 'labels', the NPY file of its labels");
                t->train = read_npy_dataset(path, resolve(labels), 0, n_out);
            } else if (ext == ".csv" || ext == ".gz") {
                t->train = read_csv_dataset(path, 0, n_out);
            } else {
                r.fail("dataset", "must be 'digits', 'fashion-mnist', a folder of IDX files, a .csv file "
                                  "(label in the last column) or a .npy file, got '" + data + "'");
            }
            t->source = path;
        }
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const model_error*>(&e)) throw;
        r.fail("dataset", e.what());
    }
    if (!labels.empty() && (fs::path(data).extension() != ".npy"))
        r.fail("labels", "'labels' applies to NPY data sets only");
    // The resolved model must find the data from the run folder: absolute paths there.
    if (data != "digits" && data != "fashion-mnist")
        r.note("dataset", param_value::of(fs::absolute(resolve(data)).lexically_normal().string(), r.loc_of("dataset")));
    if (!labels.empty())
        r.note("labels", param_value::of(fs::absolute(resolve(labels)).lexically_normal().string(), r.loc_of("labels")));
    if (single_file) {
        const std::size_t n = t->train.n_samples;
        const std::size_t held = static_cast<std::size_t>(
            r.count("test_split", static_cast<std::int64_t>(std::llround(static_cast<double>(n) / 6.0)), 1,
                    static_cast<std::int64_t>(n > 1 ? n - 1 : 1)));
        if (n < 2) r.fail("dataset", "needs at least two samples to split");
        const std::vector<std::size_t> all = shuffled_indices(n, seed, "split");
        t->test = t->train;
        t->test_idx = head(std::vector<std::size_t>(all.begin(), all.begin() + static_cast<long>(held)), n_test);
        t->train_idx = head(std::vector<std::size_t>(all.begin() + static_cast<long>(held), all.end()), n_train);
    } else {
        if (r.has("test_split")) r.fail("test_split", "an IDX folder has its own test set");
        t->train_idx = head(shuffled_indices(t->train.n_samples, seed, "train subset"), n_train);
        t->test_idx = head(shuffled_indices(t->test.n_samples, seed, "test subset"), n_test);
    }
    if (n_in != t->train.n_features)
        r.fail("input", "the input population '" + t->input + "' has " + std::to_string(n_in) + " neurons, the " +
                            t->source + " samples " + std::to_string(t->train.n_features) + " features");
    const std::size_t classes = std::max(t->train.n_classes, t->test.n_classes);
    if (n_out < classes)
        r.fail("output", "the output population '" + t->output + "' has " + std::to_string(n_out) +
                             " neurons, the data " + std::to_string(classes) + " classes");
    classification_options& o = t->options;
    o.epochs = static_cast<std::size_t>(r.count("epochs", 1, 1, 100000));
    t->g_som = r.number("g_som", 0.8, param_bound::positive);
    t->protocol = pattern_protocol::read(r, net, out, t->g_som);
    o.present_ms = t->protocol.phased ? t->protocol.pattern_ms(net, 0.0) : r.number("present_ms", 10.0, param_bound::positive);
    t->pattern_ms = t->protocol.pattern_ms(net, o.present_ms);
    o.u_high = r.number("u_high", 1.5);
    o.u_low = r.number("u_low", -1.5);
    o.eval_every = static_cast<std::size_t>(r.count("eval_every", 0, 0, 1000000000));
    o.n_train_eval = static_cast<std::size_t>(r.count("n_train_eval", 0, 0, 1000000000));
    o.progress_every = static_cast<std::size_t>(r.count("progress_every", 10000, 0, 1000000000));
    o.seed = seed;
    read_schedule(r, *t);
    read_normalization(r, *t);
    return t;
}

} // namespace

task_kind classification_task_kind() {
    return {"classification", "supervised classification with the network's rules (Sacramento et al. 2018)",
            make};
}

} // namespace cortexsim
