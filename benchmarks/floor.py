"""The floor: read every atom file of a bundle, split the frontmatter, parse it.

    python benchmarks/floor.py BUNDLE

This is the least any correct validator must do (no schema, no checks, no report),
run as a whole process so that it pays the interpreter's start-up as we do.
"""

import os
import sys

import yaml


def main(root: str) -> int:
    parsed = 0
    for current, dirs, names in os.walk(os.path.join(root, "atoms")):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(".md"):
                continue
            with open(os.path.join(current, name), encoding="utf-8") as handle:
                text = handle.read()
            if not text.startswith("---\n"):
                continue
            end = text.find("\n---\n", 3)
            if end < 0:
                continue
            try:
                yaml.load(text[4 : end + 1], Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                continue
            parsed += 1
    print(parsed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
