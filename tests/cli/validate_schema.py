#!/usr/bin/env python3
"""Validates every example config in configs/ and experiments/ against the JSON Schema, and checks
that the schema rejects a config with an unknown key. Usage: validate_schema.py SOURCE_DIR"""
import json
import pathlib
import sys

import jsonschema


def strip_comments(text):
    """Removes // and /* */ comments outside of strings, as mixrun's reader ignores them."""
    out, i, in_string = [], 0, False
    while i < len(text):
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif text.startswith("//", i):
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def main():
    root = pathlib.Path(sys.argv[1])
    schema = json.loads((root / "configs/schema/experiment.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    configs = [p for folder in ("configs", "experiments") if (root / folder).exists()
               for p in sorted((root / folder).rglob("*.json")) if "schema" not in p.parts]
    failures = 0
    for path in configs:
        config = json.loads(strip_comments(path.read_text()))
        errors = list(validator.iter_errors(config))
        for error in errors:
            print(f"{path}: /{'/'.join(map(str, error.path))}: {error.message}")
        failures += bool(errors)
    bad = json.loads(strip_comments(configs[0].read_text()))
    bad["trian"] = {}
    if validator.is_valid(bad):
        print("the schema accepted an unknown key")
        failures += 1
    print(f"{len(configs)} configs checked, {failures} failed")
    return 1 if failures or not configs else 0


if __name__ == "__main__":
    sys.exit(main())
