"""The tests that ran, from pytest's JUnit XML reports in a folder (.ci/run's last line).

    python scripts/junit_summary.py FOLDER

prints ``ci: N passed, N failed, N skipped`` over every ``*.xml`` in FOLDER, and exits 1
when no test ran at all (no report, or every test skipped), so that CI cannot end
green on nothing.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main(folder: str) -> int:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path in sorted(Path(folder).glob("*.xml")):
        for suite in ET.parse(path).getroot().iter("testsuite"):  # noqa: S314 - reports pytest just wrote, in a folder of our own
            for key in totals:
                totals[key] += int(suite.get(key, 0))
    ran = totals["tests"] - totals["skipped"]
    failed = totals["failures"] + totals["errors"]
    print(f"ci: {ran - failed} passed, {failed} failed, {totals['skipped']} skipped")
    return 0 if ran > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
