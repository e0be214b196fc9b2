"""Write skillwiki_sdk/_fast_<name>.py: each JSON Schema compiled to Python source by
fastjsonschema, so that no run pays for compiling it (30-60 ms a process).

    python scripts/generate_fast_schemas.py      (or: make schemas)

Each module records the text of the schema it was made from; skillwiki_sdk.schema
uses it only while that is the schema it loads, and a test fails when a schema
changed without this being run again.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skillwiki_sdk.schema import SCHEMA_NAMES, fast_module_source  # noqa: E402


def main() -> int:
    for name in SCHEMA_NAMES:
        text = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
        target = ROOT / "skillwiki_sdk" / f"_fast_{name}.py"
        target.write_text(fast_module_source(name, text), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
