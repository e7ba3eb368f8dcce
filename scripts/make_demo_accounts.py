"""Regenerate resources/demo/accounts.json: demo bills whose numbers carry valid Damm check digits."""

from __future__ import annotations

import json
import random
from pathlib import Path

from counter_app.payments.check_digits import damm_check_digit

NAMES = ["M. Tremblay", "J. Singh", "A. Nguyen", "R. Fehr", "K. Wolf Child", "S. Lee", "D. Hofer", "P. Kaur",
         "L. Bergeron", "T. Many Guns", "C. Schmidt", "E. Okafor", "B. Friesen", "H. Yamamoto", "G. Patel"]


def number(body: str) -> str:
    return body + damm_check_digit(body)


def main() -> None:
    rng = random.Random(311)
    rows: list[dict[str, object]] = []
    for i in range(12):
        rows.append({"number": number(f"{100000 + i * 37:06d}"), "bill_type": "utility", "service_code": "UTIL",
                     "holder": NAMES[i % len(NAMES)], "balance_cents": rng.randrange(4_000, 42_000)})
    for i in range(8):
        rows.append({"number": number(f"{431200000000 + i * 1013:012d}"), "bill_type": "tax_roll",
                     "service_code": "PTAX", "holder": NAMES[(i + 3) % len(NAMES)],
                     "balance_cents": rng.randrange(180_000, 520_000), "due_date": "2027-06-30"})
    for i, (fine, early) in enumerate([(4000, 2000), (5000, 3500)] * 4):
        rows.append({"number": number(f"{70010000 + i * 211:08d}"), "bill_type": "parking", "service_code": "PARK",
                     "holder": "Plate " + "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(3))
                     + f"-{rng.randrange(1000, 9999)}",
                     "balance_cents": fine, "early_cents": early, "issued_days_ago": [2, 5, 9, 12, 20, 30, 1, 40][i]})
    for i, code in enumerate(["BUSLIC", "BUSLIC", "BLDG", "BLDG", "DEVP", "CEM", "CEM"]):
        rows.append({"number": number(f"{200100000 + i * 53:09d}"), "bill_type": "invoice", "service_code": code,
                     "holder": NAMES[(i + 7) % len(NAMES)], "balance_cents": rng.randrange(5_000, 250_000)})
    out = Path(__file__).resolve().parent.parent / "resources" / "demo" / "accounts.json"
    out.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} demo accounts to {out}")


if __name__ == "__main__":
    main()
