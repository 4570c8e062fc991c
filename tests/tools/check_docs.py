#!/usr/bin/python3
"""Check the Markdown documentation's links, figures and wording.

usage: /usr/bin/python3 tests/tools/check_docs.py REPO_ROOT
       /usr/bin/python3 tests/tools/check_docs.py --self-test

In README.md, bench/README.md and every docs/**/*.md:
  - every relative link ](path) and ](path#anchor) names an existing file, and an anchor names
    a heading of that file (GitHub's slugs: lower case, punctuation dropped, spaces as '-');
    a bare ](#anchor) a heading of the same page;
  - every image ![...](path.png) exists and is at most MAX_IMAGE_KB;
  - the user pages (README.md, docs/*.md and docs/rules/*.md; not docs/dev/, the development
    notes, nor bench/README.md, the benchmarks' measurement record) do
    not speak of issues ("issue 6", "the issue's target"): a user has no issue tracker.
--self-test builds a small tree with a broken link, a broken anchor, a missing image, a too
large image and an issue number, and fails unless each is reported.

Exit status: 0 if everything holds, 1 if not (each problem is printed), 2 on usage errors.
"""
import pathlib
import re
import sys
import tempfile

MAX_IMAGE_KB = 150
LINK = re.compile(r"(!?)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
ISSUE = re.compile(r"\bissues?\b", re.IGNORECASE)


def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(path):
    out, fenced = set(), False
    for line in path.read_text().splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else HEADING.match(line)
        if m:
            base, k = slug(m.group(1)), 0
            while (base if k == 0 else f"{base}-{k}") in out:
                k += 1
            out.add(base if k == 0 else f"{base}-{k}")
    return out


def pages(root):
    found = [root / "README.md", root / "bench" / "README.md"]
    found += sorted((root / "docs").rglob("*.md"))
    return [p for p in found if p.exists()]


def user_page(root, path):
    rel = path.relative_to(root).parts
    return rel == ("README.md",) or (rel[0] == "docs" and (len(rel) == 2 or rel[1] == "rules"))


def problems_of(root):
    problems = []
    for page in pages(root):
        name = page.relative_to(root)
        text = page.read_text()
        code_free = re.sub(r"```.*?```", "", text, flags=re.S)
        for m in LINK.finditer(code_free):
            image, target = m.group(1) == "!", m.group(2)
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            file_part, _, anchor = target.partition("#")
            dest = (page.parent / file_part).resolve() if file_part else page
            if not dest.exists():
                problems.append(f"{name}: link to '{target}': {file_part} does not exist")
                continue
            if image and dest.stat().st_size > MAX_IMAGE_KB * 1024:
                problems.append(f"{name}: image '{target}' is {dest.stat().st_size // 1024} KB, "
                                f"more than {MAX_IMAGE_KB} KB")
            if anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{name}: link to '{target}': {dest.name} has no heading "
                                f"'#{anchor}'")
        if user_page(root, page):
            for n, line in enumerate(text.splitlines(), 1):
                if ISSUE.search(line):
                    problems.append(f"{name}:{n}: a user page speaks of issues: {line.strip()}")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "docs" / "figures").mkdir(parents=True)
        (root / "docs" / "figures" / "small.png").write_bytes(b"x" * 100)
        (root / "docs" / "figures" / "large.png").write_bytes(b"x" * (MAX_IMAGE_KB + 1) * 1024)
        (root / "docs" / "other.md").write_text("# Other page\n\n## Which solver to choose\n")
        (root / "README.md").write_text("[fine](docs/other.md#which-solver-to-choose)\n"
                                        "[gone](docs/missing.md)\n")
        (root / "docs" / "page.md").write_text(
            "# Page\n\n[fine](other.md) [fine](#page) ![fine](figures/small.png)\n"
            "[bad anchor](other.md#what-auto-picks)\n![missing](figures/none.png)\n"
            "![large](figures/large.png)\nAs issue 6 measured.\n")
        (root / "docs" / "dev").mkdir()
        (root / "docs" / "dev" / "log.md").write_text("# Log\n\nIssue 6 asked for this.\n")
        got = problems_of(root)
    expected = ["docs/missing.md does not exist", "has no heading '#what-auto-picks'",
                "figures/none.png does not exist", "more than 150 KB", "speaks of issues"]
    problems = [f"self-test: not reported: '{e}' in {got}" for e in expected
                if not any(e in g for g in got)]
    if len(got) != len(expected):
        problems.append(f"self-test: expected {len(expected)} problems, got {len(got)}: {got}")
    return problems


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        problems, what = self_test(), "the documentation checks reject broken pages"
    elif len(argv) == 2:
        root = pathlib.Path(argv[1])
        problems, what = problems_of(root), f"{len(pages(root))} pages: links, images, wording"
    else:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    for p in problems:
        print(f"check_docs: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_docs: {what}: all good")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
