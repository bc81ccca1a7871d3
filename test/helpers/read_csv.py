"""Reads CSV files with Python's csv module, a reader independent of the node-csv library that writes them.

Usage: python3 read_csv.py FILE...  Prints one JSON object, {FILE: [[cell, ...], ...]}, in ASCII (non-ASCII text as
\\u escapes, so the output does not depend on the terminal's encoding). A malformed file exits with status 1 and
the reader's message on stderr.
"""
import csv
import json
import sys

# Python refuses fields above 131,072 characters by default; the exports may hold longer notes.
csv.field_size_limit(sys.maxsize)


def read(path):
    # newline='' as the csv docs require: line breaks inside quoted fields reach the reader unchanged.
    with open(path, newline='', encoding='utf-8-sig') as f:
        return [row for row in csv.reader(f, strict=True)]


def main(paths):
    result = {}
    for path in paths:
        try:
            result[path] = read(path)
        except (csv.Error, UnicodeDecodeError) as error:
            sys.stderr.write(f'{path}: {error}\n')
            return 1
    json.dump(result, sys.stdout)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
