#!/usr/bin/env bash
# Proves the contract makes a working client: generates the Python client from docs/api/openapi.yaml
# with openapi-python-client, then makes one SigV4-signed GET /v1/connections/{id} with it
# (get_connection.py) against stub_gateway.py on 127.0.0.1, which checks the signature.
# Not part of the Maven tests. Usage: docs/api/python/check.sh [VENV] (default: a fresh one, removed after).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
venv=${1:-$work/venv}
trap 'kill "${stub:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q openapi-python-client botocore httpx attrs python-dateutil pyyaml

start=$(date +%s)
"$venv/bin/openapi-python-client" generate --path "$here/../openapi.yaml" --config "$here/client-config.yaml" \
  --output-path "$work/client" --fail-on-warning
echo "generated in $(( $(date +%s) - start )) s: $(ls "$work/client/authkeeper_api_client/models" | wc -l) model files"

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
unset AWS_SESSION_TOKEN AWS_PROFILE
"$venv/bin/python" "$here/stub_gateway.py" "$work/port" us-east-1 "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" &
stub=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
api="http://127.0.0.1:$(cat "$work/port")"

PYTHONPATH="$work/client" "$venv/bin/python" "$here/get_connection.py" "$api" us-east-1 amazon:EU:A1B2C3D4E5F6G7
# A wrong secret must be refused: the stub really checks the signature.
if AWS_SECRET_ACCESS_KEY=wrong PYTHONPATH="$work/client" "$venv/bin/python" "$here/get_connection.py" "$api" us-east-1 \
    amazon:EU:A1B2C3D4E5F6G7 2>/dev/null; then
  echo "a request signed with the wrong secret was answered" >&2
  exit 1
fi
echo "generated client: signed call answered, wrongly signed call refused"
