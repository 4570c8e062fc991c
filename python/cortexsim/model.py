"""Models before they run: loading (file, text, dict), overrides by key path, building."""

import operator
import os

from . import _core, toml_values


def _seed(value):
    """A seed as the CLI's --seed takes it: an integer from 0 to 2^63 - 1."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):  # int and numpy integers
        raise ValueError(f"a seed is an integer from 0 to 2^63 - 1, got {value!r}")
    s = operator.index(value)
    if not 0 <= s < 2**63:
        raise ValueError(f"a seed is an integer from 0 to 2^63 - 1, got {s}")
    return s


class Model:
    """A model description and its overrides; build() makes a Simulation of it.

    Errors in the file or in an override raise ModelError at once, located as the CLI
    reports them (file:line:column: key.path: what).
    """

    def __init__(self, source):
        self._source = source

    @property
    def path(self):
        """The model file ("" for a model from text or a dict)."""
        return self._source.path

    @property
    def overrides(self):
        """The overrides set so far, as (key path, TOML text) pairs."""
        return self._source.overrides()

    def set(self, key_path, value):
        """Overrides one key, as `cortexsim run --set key.path=value` does: the same key paths
        (population.hid.params.tau_basal_ms, column[0].sizes.L4, "quoted.keys"), the same
        checks, the same resolved model. `value` is a Python value (number, str, bool, list,
        dict). Returns the model, so calls chain."""
        self._source.set(key_path, toml_values.value(value))
        return self

    def copy(self):
        return Model(self._source.copy())

    def validate(self):
        """Checks everything a run would (templates, lowering, the task); raises ModelError."""
        self._source.validate()

    def describe(self):
        """What `cortexsim describe` prints."""
        return self._source.describe()

    def resolved_toml(self):
        """The model with every default, as a run's model.resolved.toml holds it."""
        return self._source.resolved_toml()

    def build(self, seed=None, out=None, force=False, format="both", precision="float32",
              checkpoint_every=None):
        """A Simulation, started: its run folder (`out`, else [simulation] output, else
        runs/<name>) holds model.resolved.toml and the recorders' files. `seed` replaces the
        model's, as the CLI's --seed does. `checkpoint_every` ("500ms" of model time, or "30s",
        "10min", "2h" of wall time) writes checkpoint.bin, from which cortexsim.resume()
        continues the run after a crash."""
        source = self._source.copy()
        if seed is not None:
            source.seed = _seed(seed)
        return _core.Simulation(source, os.fspath(out) if out is not None else "", force,
                                format, precision, checkpoint_every or "")


def load(path):
    """A model file (relative stimulus files resolve against its folder)."""
    source = _core.ModelSource()
    source.path = os.fspath(path)
    source.parse()
    return Model(source)


def loads(text, name="<string>", base_dir=""):
    """TOML text; `name` is the file name messages show, `base_dir` where relative stimulus
    files resolve."""
    source = _core.ModelSource()
    source.text = text
    source.text_name = name
    source.base_dir = os.fspath(base_dir)
    source.parse()
    return Model(source)


def from_dict(document, name="<dict>", base_dir=""):
    """A model from a dict shaped like the TOML file ({"simulation": {...}, "population":
    [{...}, ...]}), e.g. tomllib's reading of one."""
    return loads(toml_values.dumps(document), name, base_dir)
