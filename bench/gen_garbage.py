#!/usr/bin/env python3
"""TOML-like garbage for bench/check.sh, the same bytes every run.

    gen_garbage.py KIND MEGABYTES OUT

KIND:
  syntax      a TOML syntax error on every line: unterminated strings, bare
              words for values, stray brackets, unclosed [[ headers, keys
              and tables repeated (no unclosed array or inline table: one
              swallows the rest of the file, leaving a single error)
  tables      valid TOML: a distinct [table] a line, one in ten repeating an
              earlier one (the toml parser's handling of repeated headers)
  agreement   an agreement's shape: a valid header, then groups, parties,
              zones and clauses naming parties, groups and zones that do not
              exist (the checker's name lookups and "did you mean")
"""
import random
import sys

kind, megabytes, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
size = int(megabytes * (1 << 20))
rng = random.Random(20261124)


def syntax():
    i = 0
    while True:
        n = rng.randrange(1000)
        yield [
            f'key{i} = "unterminated {n}',
            f"value{i} = bare{n}",
            "]] }} stray words = = =",
            f"[[clauses{n}",
            f"parties = {n}",
            f"[zones.z{n % 10}]",
            f"ok{i} = {n}",
        ][rng.randrange(7)]
        i += 1


def tables():
    i = 0
    while True:
        if i > 10 and rng.randrange(10) == 0:
            yield f"[t{rng.randrange(i)}]"
        else:
            yield f"[t{i}]\nv = {i}"
        i += 1


def agreement():
    yield 'format = 1\nid = "garbage"\ntitle = "garbage"\nversion = "1"\ntimezone = "Europe/Kyiv"'
    yield '[anchors]\nD = "adoption"'
    # A quarter of the size each: groups (in one table), parties, zones,
    # clauses.
    yield "[groups]"
    i = 0
    while written < size // 4:
        yield f'g{i} = ["nobody{i}", "@nogroup{i}", "p{i}"]'
        i += 1
    i = 0
    while written < size // 2:
        yield f'[parties.p{i}]\nname = "p"\nroles = ["mediator"]'
        i += 1
    i = 0
    while written < 3 * size // 4:
        yield f'[zones.z{i}]\nkind = "region"\nparty = "noparty{i}"\nsource = "none.geojson"'
        i += 1
    i = 0
    while True:
        yield f'[clauses.c{i}]\ntitle = "t"\ntext = "t"\nbinds = "noparty{i}"\nfrom = "D"\ncondition = "true"'
        i += 1


written = 0
lines = {"syntax": syntax, "tables": tables, "agreement": agreement}[kind]()
with open(out, "w") as f:
    for line in lines:
        if written >= size:
            break
        f.write(line + "\n")
        written += len(line) + 1
