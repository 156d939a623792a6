"""The purchasing benchmarks in one command (not a test; prints figures beside baselines measured in the same run):

1. bench/purchasing_orders.py — order validations per second with concurrent clients under the lot's row lock,
   against one client, checking at the end that the lot's consumption never passed its maximum;
2. bench/purchasing_dashboards.py — the member and operator dashboards at 1,000,000 order lines against 10 % of
   them, with query counts (constant in the number of rows).

    .venv/bin/python bench/purchasing.py [--orders 400] [--clients 8] [--lines 1000000]
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", default="400")
    parser.add_argument("--clients", default="8")
    parser.add_argument("--lines", default="1000000")
    args = parser.parse_args()
    runs = [
        [str(HERE / "purchasing_orders.py"), "--orders", args.orders, "--clients", args.clients],
        [str(HERE / "purchasing_dashboards.py"), "--lines", args.lines],
    ]
    for command in runs:
        print(f"== {Path(command[0]).name} ==", flush=True)
        result = subprocess.run([sys.executable, *command], check=False)
        if result.returncode:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
