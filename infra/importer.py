#!/usr/bin/env python3
"""Streams a JSONL file of authorizations through AuthKeeper's POST /v1/imports.

Started by infra/import (which prepares the project venv for botocore). One JSON object a line, the
fields of one import item (marketplace, app, accountId, region, merchantId, refreshToken or
accessToken); blank lines are skipped. The file is read as it goes, so its size does not matter.

- Batches of at most 100 items; each batch is acknowledged in a state file beside the input
  (FILE.import-state: the last line and byte offset acknowledged, and the counts so far) once every
  item in it has a final outcome, so a run that stops resumes after the last acknowledged line.
- Items the route answers `retry` are sent again (after retryAfterSeconds when given), at most
  --attempts times each; after that they count as `failed`. 429 and 503 answers are waited out
  (Retry-After, else an exponential backoff) and the batch is sent again.
- Each marketplace's items are paced to --rate MARKETPLACE=ITEMS_PER_SECOND (default 10 a second).
- SigV4-signed with botocore (service execute-api, credentials from the environment) against a
  deployed stack's API URL; unsigned against the local run (localhost).

Neither the terminal nor the state file ever sees a line's content: messages name line numbers,
outcomes and the route's own messages (which never quote a request).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

MAX_BATCH = 100
OUTCOMES = ("imported", "already_present", "rejected", "invalid", "conflict", "failed")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class Stop(Exception):
    """The import cannot go on; the message is safe to print (no line content)."""


@dataclass
class Item:
    line: int
    marketplace: str
    body: dict
    attempts: int = 0


@dataclass
class Progress:
    counts: dict = field(default_factory=lambda: {o: 0 for o in OUTCOMES})
    sent: int = 0
    started: float = field(default_factory=time.monotonic)
    last_drawn: float = 0.0

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.sent / elapsed if elapsed > 0 else 0.0


class Pacer:
    """Items a second per marketplace: each item waits for its marketplace's next slot."""

    def __init__(self, rates: dict[str, float], default: float):
        self.rates = rates
        self.default = default
        self.next_slot: dict[str, float] = {}

    def wait(self, marketplace: str) -> None:
        rate = self.rates.get(marketplace, self.default)
        if rate <= 0:
            return
        now = time.monotonic()
        slot = max(now, self.next_slot.get(marketplace, now))
        self.next_slot[marketplace] = slot + 1.0 / rate
        if slot > now:
            time.sleep(slot - now)


class Api:
    """POST /v1/imports, signed with SigV4 unless the API is the local run."""

    def __init__(self, base: str, sign: bool, region: str | None, timeout: float):
        self.url = base.rstrip("/") + "/v1/imports"
        self.timeout = timeout
        self.signer = None
        if sign:
            import botocore.session
            from botocore.auth import SigV4Auth

            credentials = botocore.session.Session().get_credentials()
            if credentials is None:
                raise Stop("no AWS credentials in the environment to sign the requests with (or pass --no-sign for the local run)")
            region = region or _region_of(base) or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            if not region:
                raise Stop("cannot tell the API's AWS region: pass --region")
            self.signer = SigV4Auth(credentials.get_frozen_credentials(), "execute-api", region)

    def post(self, body: bytes) -> tuple[int, dict, dict]:
        headers = {"Content-Type": "application/json"}
        if self.signer is not None:
            from botocore.awsrequest import AWSRequest

            request = AWSRequest(method="POST", url=self.url, data=body, headers=headers)
            self.signer.add_auth(request)
            headers = dict(request.headers.items())
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.status, dict(answer.headers.items()), _json(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), _json(error.read())


def _region_of(base: str) -> str | None:
    host = urllib.parse.urlparse(base).hostname or ""
    parts = host.split(".")
    return parts[2] if len(parts) > 4 and parts[1] == "execute-api" else None


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}


def _retry_after(headers: dict, attempt: int) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after" and value.strip().isdigit():
            return float(value.strip())
    return min(60.0, 0.5 * 2 ** attempt)


class Importer:
    def __init__(self, args: argparse.Namespace, api: Api, out=sys.stderr):
        self.args = args
        self.api = api
        self.out = out
        self.pacer = Pacer(dict(args.rate), args.default_rate)
        self.state_path = args.file + ".import-state"
        self.progress = Progress()
        self.total_bytes = os.path.getsize(args.file)
        self.tty = out.isatty()
        self.position = 0

    def load_state(self) -> tuple[int, int, dict]:
        if self.args.restart or not os.path.exists(self.state_path):
            return 0, 0, {o: 0 for o in OUTCOMES}
        with open(self.state_path, encoding="utf-8") as f:
            state = json.load(f)
        if state.get("offset", 0) > self.total_bytes:
            raise Stop(f"{self.state_path} was written for a longer file: pass --restart to start over")
        counts = {o: int(state.get("counts", {}).get(o, 0)) for o in OUTCOMES}
        return int(state["line"]), int(state["offset"]), counts

    def save_state(self, line: int, offset: int, counts: dict) -> None:
        tmp = self.state_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"line": line, "offset": offset, "counts": counts}, f)
        os.replace(tmp, self.state_path)

    def run(self) -> dict:
        start_line, offset, before = self.load_state()
        line_no = start_line
        batch: list[Item] = []
        lines_this_run = 0
        with open(self.args.file, "rb") as f:
            f.seek(offset)
            while True:
                if self.args.max_lines is not None and lines_this_run >= self.args.max_lines:
                    break
                raw = f.readline()
                if not raw:
                    break
                self.position = f.tell()
                line_no += 1
                lines_this_run += 1
                item = self.parse(line_no, raw)
                if item is not None:
                    batch.append(item)
                if len(batch) >= self.args.batch:
                    self.send(batch)
                    batch = []
                    self.acknowledge(line_no, f.tell(), before)
            if batch:
                self.send(batch)
            self.acknowledge(line_no, f.tell(), before)
        self.draw(force=True)
        if self.tty:
            self.out.write("\n")
        return self.summary(start_line, line_no, before)

    def acknowledge(self, line: int, offset: int, before: dict) -> None:
        self.save_state(line, offset, {o: before[o] + self.progress.counts[o] for o in OUTCOMES})

    def parse(self, line_no: int, raw: bytes) -> Item | None:
        text = raw.strip()
        if not text:
            return None
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self.count("invalid")
            self.say(f"line {line_no}: not one JSON object")
            return None
        marketplace = body.get("marketplace") if isinstance(body.get("marketplace"), str) else ""
        return Item(line_no, marketplace, body)

    def send(self, batch: list[Item]) -> None:
        pending = batch
        failures = 0
        while pending:
            for item in pending:
                self.pacer.wait(item.marketplace)
            body = json.dumps({"items": [item.body for item in pending]}, separators=(",", ":")).encode()
            try:
                status, headers, answer = self.api.post(body)
            except (urllib.error.URLError, OSError) as error:
                status, headers, answer = 0, {}, {"message": type(error).__name__}
            if status in (429, 503) or status >= 500 or status == 0:
                failures += 1
                if failures > self.args.attempts * 2:
                    raise Stop(f"the API kept failing (last HTTP {status}); run again to resume after line {batch[0].line - 1}")
                wait = _retry_after(headers, failures)
                self.say(f"HTTP {status or 'no answer'}: waiting {wait:.0f} s")
                time.sleep(wait)
                continue
            if status != 200:
                raise Stop(f"HTTP {status} {answer.get('error', '')}: {answer.get('message', 'no message')}")
            failures = 0
            results = answer.get("results", [])
            if len(results) != len(pending):
                raise Stop("the API answered another number of results than items sent")
            retry, wait = [], 0.0
            for item, result in zip(pending, results):
                self.progress.sent += 1
                outcome = result.get("outcome")
                if outcome == "retry":
                    item.attempts += 1
                    if item.attempts >= self.args.attempts:
                        self.count("failed")
                        self.say(f"line {item.line}: not concluded after {item.attempts} attempts ({result.get('reason', '?')})")
                    else:
                        retry.append(item)
                        wait = max(wait, float(result.get("retryAfterSeconds", 0)))
                    continue
                self.count(outcome if outcome in OUTCOMES else "failed")
                if outcome in ("invalid", "conflict") and self.args.verbose:
                    self.say(f"line {item.line}: {outcome}: {result.get('message', '')}")
            self.draw()
            if retry and wait:
                time.sleep(wait)
            pending = retry

    def count(self, outcome: str) -> None:
        self.progress.counts[outcome] += 1

    def say(self, message: str) -> None:
        if self.tty:
            self.out.write("\r\033[K")
        self.out.write(message + "\n")
        if self.tty:
            self.draw(force=True)

    def draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.progress.last_drawn < (0.2 if self.tty else 10):
            return
        self.progress.last_drawn = now
        share = self.position / self.total_bytes if self.total_bytes else 1.0
        bar = "#" * int(share * 20) + "-" * (20 - int(share * 20))
        counts = " ".join(f"{o} {n}" for o, n in self.progress.counts.items() if n)
        text = f"[{bar}] {share:4.0%} {counts or 'starting'} | {self.progress.rate():.1f} items/s"
        if self.tty:
            self.out.write("\r\033[K" + text)
        else:
            self.out.write(text + "\n")
        self.out.flush()

    def summary(self, start_line: int, end_line: int, before: dict) -> dict:
        elapsed = time.monotonic() - self.progress.started
        return {
            "file_lines_acknowledged": end_line,
            "resumed_after_line": start_line,
            "this_run": dict(self.progress.counts),
            "total": {o: before[o] + self.progress.counts[o] for o in OUTCOMES},
            "items_sent": self.progress.sent,
            "seconds": round(elapsed, 3),
            "items_per_second": round(self.progress.sent / elapsed, 1) if elapsed > 0 else 0.0,
        }


def _rate(value: str) -> tuple[str, float]:
    name, _, rate = value.partition("=")
    try:
        return name, float(rate)
    except ValueError:
        raise argparse.ArgumentTypeError("--rate is MARKETPLACE=ITEMS_PER_SECOND, such as shopify=4")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="infra/import", description="Import a JSONL file of authorizations through POST /v1/imports.")
    parser.add_argument("file", help="the JSONL file, one import item a line")
    parser.add_argument("--api", default=os.environ.get("AUTHKEEPER_API_URL", "http://localhost:8080"),
                        help="the stack's ApiUrl (default $AUTHKEEPER_API_URL, else the local run)")
    parser.add_argument("--region", help="the API's AWS region (default: from the URL, else $AWS_REGION)")
    parser.add_argument("--no-sign", dest="sign", action="store_false", default=None, help="never sign (the local run)")
    parser.add_argument("--batch", type=int, default=MAX_BATCH, help=f"items a request, 1 to {MAX_BATCH}")
    parser.add_argument("--rate", type=_rate, action="append", default=[], metavar="MARKETPLACE=N",
                        help="items a second for a marketplace's items (repeatable)")
    parser.add_argument("--default-rate", type=float, default=10.0, help="items a second for other marketplaces (default 10)")
    parser.add_argument("--attempts", type=int, default=5, help="times an item answered retry is sent before it counts as failed")
    parser.add_argument("--max-lines", type=int, help="stop after this many lines (a later run resumes)")
    parser.add_argument("--restart", action="store_true", help="ignore the state file and start from the first line")
    parser.add_argument("--timeout", type=float, default=35.0, help="seconds to wait for one answer")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--verbose", action="store_true", help="print the line number and message of each invalid or conflicting item")
    args = parser.parse_args(argv)
    if not 1 <= args.batch <= MAX_BATCH:
        parser.error(f"--batch is 1 to {MAX_BATCH}")
    sign = args.sign if args.sign is not None else (urllib.parse.urlparse(args.api).hostname or "") not in LOCAL_HOSTS
    try:
        summary = Importer(args, Api(args.api, sign, args.region, args.timeout)).run()
    except Stop as stop:
        print(f"import stopped: {stop}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nimport interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(summary))
    else:
        total = summary["total"]
        print(f"lines acknowledged: {summary['file_lines_acknowledged']} (this run started after line {summary['resumed_after_line']})")
        print("this run: " + ", ".join(f"{o} {n}" for o, n in summary["this_run"].items()))
        print("in all:   " + ", ".join(f"{o} {n}" for o, n in total.items()))
        print(f"{summary['items_sent']} items sent in {summary['seconds']} s: {summary['items_per_second']} items/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
