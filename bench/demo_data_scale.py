"""How long ``hub demo-data`` takes as the authority grows: ``python bench/demo_data_scale.py``."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from time_limit import time_limit

from hub.synthetic.calendar import CensusYear
from hub.synthetic.writer import generate


def main(sizes: list[int]) -> None:
    year = CensusYear.parse("2025-26")
    for size in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            manifest = generate(Path(scratch), size, 1, year)
            seconds = time.perf_counter() - started
        rate = manifest["records"] / seconds
        print(f"{size:>9,} children {manifest['records']:>10,} records {seconds:7.1f}s "
              f"({rate:,.0f} records/s)")


if __name__ == "__main__":
    with time_limit("demo_data_scale", 1800):
        main([int(arg) for arg in sys.argv[1:]] or [1_000, 10_000, 100_000])
