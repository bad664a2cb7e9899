"""`make demo`: the benchmark corpus at a size a newcomer can browse, in which every page type and
register has something on it (contracts, grants with named recipients, a superseded decision,
withheld parts, the toolkit). `make demo` builds it with `transparency build`."""

from __future__ import annotations

import argparse
from pathlib import Path

from .corpus import write_corpus

# A few hundred decisions: enough that every register is populated, small enough to build in a
# minute.
RECORDS = 300
SEED = 0


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the demonstration site's sources.")
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    write_corpus(args.root, RECORDS, SEED)


if __name__ == "__main__":
    main()
