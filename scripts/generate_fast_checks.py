"""Write ``skillwiki_sdk/_fast_<name>.py``: each packaged JSON Schema as the Python
source that fastjsonschema's documented ``compile_to_code`` makes of it, unedited.

    python scripts/generate_fast_checks.py      (or: make fast-checks)

A process then imports the check (its bytecode cached by Python) instead of having
fastjsonschema generate and compile it, about 20 ms a process (``make bench``). Each
module starts with the SHA-256 of the schema text it was made from and ends naming
its check; ``skillwiki_sdk.schema`` uses it only while that is the schema it loads
(else it compiles at first use, as without this file), and
``tests/test_schema_checks.py`` fails when a schema changed without this being run.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skillwiki_sdk.schema import SCHEMA_NAMES, generated_check_source  # noqa: E402


def main() -> int:
    for name in SCHEMA_NAMES:
        text = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
        target = ROOT / "skillwiki_sdk" / f"_fast_{name}.py"
        source = generated_check_source(name, text)
        if source is None:
            target.unlink(missing_ok=True)
            print(f"{name}: beyond the fast check's keywords; no {target.relative_to(ROOT)}")
            continue
        target.write_text(source, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
