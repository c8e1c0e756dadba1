#!/usr/bin/env bash
# Every example config is accepted by configs/schema/experiment.schema.json (python3-jsonschema).
source "$(dirname "$0")/common.bash"
/usr/bin/python3 "$(dirname "$0")/validate_schema.py" "$SOURCE_DIR"
