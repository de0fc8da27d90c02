#!/usr/bin/env python3
"""Writes pending inline insta snapshots into the test sources, for machines without cargo-insta.

Run the tests with `INSTA_UPDATE=always INSTA_FORCE_PASS=1`, review the `.pending-snap` files
(or `git diff` after this), then run this script from the repository root. It replaces each
`@"..."` / `@r"..."` / `@r#"..."#` literal of a failed `assert_snapshot!` at the recorded line
and deletes the pending files. `cargo insta review` does the same where cargo-insta is installed.
"""
import glob
import json
import os
import re

LITERAL = re.compile(r'@(r#*)?"')


def literal(value: str) -> str:
    if "\n" not in value and '"' not in value and "\\" not in value:
        return '@"' + value + '"'
    hashes = "#"
    while '"' + hashes in value:
        hashes += "#"
    body = value
    if "\n" in value:
        body = "\n" + value + "\n"
    return "@r" + hashes + '"' + body + '"' + hashes


def replace_at(source: str, line: int, value: str) -> str:
    lines = source.split("\n")
    start = sum(len(l) + 1 for l in lines[: line - 1])
    match = LITERAL.search(source, start)
    if match is None:
        raise SystemExit(f"no snapshot literal after line {line}")
    hashes = match.group(1)[1:] if match.group(1) else None
    i = match.end()
    if hashes is None:
        while source[i] != '"':
            i += 2 if source[i] == "\\" else 1
        end = i + 1
    else:
        end = source.index('"' + hashes, i) + 1 + len(hashes)
    return source[: match.start()] + literal(value) + source[end:]


for pending in glob.glob("**/.*.pending-snap", recursive=True):
    directory, name = os.path.split(pending)
    source_path = os.path.join(directory, name[1:-len(".pending-snap")])
    records = {}
    for row in open(pending):
        record = json.loads(row)
        # A record without `new` marks an assertion that passed (insta clears it then).
        if record.get("new") is None:
            records.pop(record["line"], None)
            continue
        records[record["line"]] = record["new"]["snapshot"]
    source = open(source_path).read()
    # Bottom up, so earlier line numbers stay valid.
    for line in sorted(records, reverse=True):
        source = replace_at(source, line, records[line])
    open(source_path, "w").write(source)
    os.remove(pending)
    print(f"{source_path}: {len(records)} snapshot(s) written")
