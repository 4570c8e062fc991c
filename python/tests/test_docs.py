"""Every ```python example of docs/python.md (and the README's), top to bottom in one namespace, from a folder
holding the repository's examples/ (issue 14, item 7): the guide cannot drift from the API."""

import contextlib
import io
import os
import re
import unittest

from support import SOURCE_DIR, TempDirTest

DOC = os.path.join(SOURCE_DIR, "docs", "python.md")


def python_blocks(path):
    with open(path) as f:
        return re.findall(r"```python\n(.*?)```", f.read(), flags=re.S)


class DocsTest(TempDirTest):
    def test_every_example_runs(self):
        os.symlink(os.path.join(SOURCE_DIR, "examples"), "examples")
        blocks = python_blocks(DOC)
        self.assertGreaterEqual(len(blocks), 6)
        namespace = {}
        for k, block in enumerate(blocks):
            with self.subTest(block=k), contextlib.redirect_stdout(io.StringIO()):
                exec(compile(block, f"{DOC} (python block {k})", "exec"), namespace)

    def test_readme_example_runs_and_points_here(self):
        os.symlink(os.path.join(SOURCE_DIR, "examples"), "examples")
        readme = os.path.join(SOURCE_DIR, "README.md")
        with open(readme) as f:
            self.assertIn("docs/python.md", f.read())
        blocks = python_blocks(readme)
        self.assertEqual(len(blocks), 1)
        namespace = {}
        exec(compile(blocks[0], readme, "exec"), namespace)
        self.assertEqual(namespace["table"]["status"], ["ok"] * 6)


if __name__ == "__main__":
    unittest.main()
