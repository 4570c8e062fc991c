"""The exceptions cortexsim raises for what the user can fix (the library's two families)."""


class ModelError(ValueError):
    """A problem with the model description, where it is: the message reads
    "file:line:column: key.path: what", and each part is an attribute.

    For a --set style override (Model.set) the file is "--set <key path>" and line is 0.
    """

    def __init__(self, message, file="", line=0, column=0, key_path="", detail=""):
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.key_path = key_path
        self.detail = detail


class NumericalError(RuntimeError):
    """The integration failed (non-finite or out-of-bound values, a solver failure) at t_ms."""

    def __init__(self, message, t_ms=float("nan")):
        super().__init__(message)
        self.t_ms = t_ms
