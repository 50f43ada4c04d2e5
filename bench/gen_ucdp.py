"""Writes an N-row CSV in UCDP GED's format by repeating the real rows of
the shared extract with fresh `id`s and `relid`s (so that every row is a
new event to the importer). Used by bench/import.sh; the output is not data
anyone should use."""
import csv
import sys

src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    header = next(r)
    rows = list(r)
i_id, i_relid = header.index("id"), header.index("relid")
with open(dst, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    written, copy = 0, 0
    while written < n:
        copy += 1
        for row in rows:
            if written == n:
                break
            out = list(row)
            out[i_id] = str(copy * 10_000_000 + int(row[i_id]))
            out[i_relid] = f"{row[i_relid]}-c{copy}"
            w.writerow(out)
            written += 1
