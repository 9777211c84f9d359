#!/usr/bin/env python3
"""Validates scenario files against docs/scenario.schema.json (JSON Schema 2020-12).

Usage: validate-scenarios.py SCHEMA PATH...   (files, or folders searched for *.yaml)
Exit 0 when every file validates, 1 otherwise (each problem printed with its file).
Needs Debian's python3-yaml and python3-jsonschema (scripts/install-deps.sh).
"""
import json
import pathlib
import sys

import jsonschema
import yaml


def files(paths):
    for p in map(pathlib.Path, paths):
        if p.is_dir():
            yield from sorted(list(p.rglob("*.yaml")) + list(p.rglob("*.yml")))
        else:
            yield p


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.loads(pathlib.Path(argv[1]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    count = 0
    for path in files(argv[2:]):
        count += 1
        # YAML 1.2-style booleans, as gitops-sim reads scenarios: only true/false.
        doc = yaml.load(path.read_text(), Loader=yaml.SafeLoader)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: /{where}: {e.message}")
        bad += 1 if errors else 0
    print(f"{count - bad} of {count} scenario files valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
