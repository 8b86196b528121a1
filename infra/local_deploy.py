#!/usr/bin/env python3
"""Deploys template.yaml into MiniStack and drives it end to end: authorizations, a fanned-out sweep, events,
the integrator API and the status page.

Called by infra/local-deploy (which builds the artifacts first); see that script for the why.

  local_deploy.py run --root DIR --work DIR --zip function.zip --sim-classpath FILE --java-home DIR
  local_deploy.py ministack        MiniStack itself, with the three fixes described in serve_ministack()

Every step prints PASS or FAIL and the time it took; the first failure stops the run, prints the
logs that explain it, and the exit status is 1. MiniStack and the simulated Amazon are stopped in
every case. Nothing here is part of a deployment to AWS.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import html
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
import traceback
import urllib.parse
import zipfile

STACK = "authkeeper"
REGION = "us-east-1"
BUCKET = "authkeeper-local-deploy"
APPLICATION_ID = "amzn1.sp.solution.local-deploy"
CLIENT_ID = "amzn1.application-oa2-client.local-deploy"
SIGN_IN_URL = "https://site.authkeeper.test/sign-in"  # the integrator's site: this script plays it
SELLER = "A1LOCALDEPLOYSELLER"
MERCHANT = "merchant-local-deploy"
CONNECTION = "amazon:NA:" + SELLER
# More sellers, of another merchant, connected through the same HTTP flow, so that one sweep run
# spreads over every shard of the round.
FANOUT_SELLERS = tuple(f"A{n:02d}FANOUTSELLER" for n in range(1, 13))
FANOUT_MERCHANT = "merchant-fanout"
RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"
JNI_LIBRARY = "local-deploy/libaws-lambda-jni.so"  # in the local zip; see BOOTSTRAP
FUNCTIONS = ("login", "authorize", "callback", "sweep", "sweep-worker", "access-token", "connections-api", "connections-page")
# The round of checks in the local deployment: one slot (the whole round due at once) every two
# minutes, cut into the template's default SweepShards (4). The planner runs every minute, so each
# round gets one or two planner runs and every connection is checked once per round.
ROUND_SECONDS = 120
SHARDS = 4
EVENT_SOURCE = "authkeeper"
LOCAL_MIN_TIMEOUT = 90  # seconds; see local_template()
EVENT_SCHEMA = os.path.join("src", "main", "resources", "schemas", "authkeeper-event-v1.json")
# The template names its IAM roles (the key policy refers to them by name), as sam deploy is told too.
CAPABILITIES = ["CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
BINDING_COOKIE = "__Host-authkeeper_binding"

# The provided.al2023 bootstrap added to the local copy of function.zip. It does what the managed
# java21 runtime does: start the AWS Lambda Java runtime interface client (lib/ of the zip, from
# the local-deploy Maven profile) with the function's handler (_HANDLER, here
# io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest) on the task root and lib/*, and heap
# and JIT settings like the managed runtime's. The client polls the Runtime API in a loop, as on
# AWS: MiniStack 1.5.x keeps the environment warm and hands out the next event only after the
# previous response. The JVM is the host's (JAVA_HOME, inherited from MiniStack); a zip deployed
# to AWS never contains this file. The client's JNI library is loaded from the task root
# (JNI_LIBRARY, see local_zip), not unpacked to the fixed /tmp/.libaws-lambda-jni.so it uses by
# default: on AWS every environment has a /tmp of its own, here they share the host's, and
# environments starting at once (four workers) overwrite the library while another loads it.
BOOTSTRAP = """#!/bin/bash
# AuthKeeper local deployment into MiniStack only (infra/local-deploy): the managed java21
# runtime's job, done by the AWS Lambda Java runtime interface client on the host's JVM.
if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
# A copy of the output for infra/local-deploy, which shows it on failure (MiniStack keeps no
# output of a failed init).
if [ -n "$AUTHKEEPER_LOCAL_DEPLOY_LOGS" ]; then
  exec > >(tee -a "$AUTHKEEPER_LOCAL_DEPLOY_LOGS/$AWS_LAMBDA_FUNCTION_NAME.log") 2>&1
fi
memory="${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-1024}"
exec "$java" \\
  -Xmx$((memory * 85 / 100))m -XX:MaxMetaspaceSize=256m -XX:+UseSerialGC \\
  -XX:+TieredCompilation -XX:TieredStopAtLevel=1 \\
  --add-opens=java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \\
  -Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI="$LAMBDA_TASK_ROOT/""" + JNI_LIBRARY + """" \\
  -cp "$LAMBDA_TASK_ROOT:$LAMBDA_TASK_ROOT/lib/*" \\
  """ + RIC_MAIN + """ "$_HANDLER"
"""


# --------------------------------------------------------------------------------------------
# MiniStack, with three fixes
# --------------------------------------------------------------------------------------------

def serve_ministack():
    """Runs MiniStack in this process after three fixes; nothing else in MiniStack changes.

    1. API Gateway payload format 2.0 moves the request's Cookie header into a top-level `cookies`
       array ("All cookie headers in the request are combined with commas and added to the
       cookies field"), and the Login URI reads the integrator's session cookie from there.
       MiniStack 1.5.33 leaves the cookie in `headers` and sends no `cookies`, so a signed-in
       merchant would look signed out. This wraps the call that hands an HTTP API event to Lambda
       and reshapes the event as AWS does.
    2. CloudFormation passes every parameter as a string and converts it to the property's type
       (ScalingConfig.MaximumConcurrency is an integer). MiniStack 1.5.33 stores the string it
       got from `!Ref SweepWorkerConcurrency` in the event source mapping, and its SQS poller then
       fails on every pass comparing it with a count ("'>=' not supported between instances of
       'int' and 'str'"), so no worker ever runs. This converts it before the poller reads it.
    3. A provided.* runtime whose Init phase overruns 10 s is killed and started again under the
       function's timeout, as AWS does. Here every cold start is a whole JVM start (no SnapStart
       restore) on a shared 2-core machine, often past 10 s while the test suites run: each such
       start would be done twice, and the wasted one slows every other. Init gets the function's
       timeout (LOCAL_MIN_TIMEOUT at least, see local_template) at once instead.
    """
    from ministack.core import lambda_runtime
    from ministack.services import apigateway, lambda_svc

    check(isinstance(getattr(lambda_runtime, "_PROVIDED_INIT_TIMEOUT", None), float),
          "MiniStack's lambda_runtime._PROVIDED_INIT_TIMEOUT changed: update serve_ministack()")
    lambda_runtime._PROVIDED_INIT_TIMEOUT = float(LOCAL_MIN_TIMEOUT)

    original = apigateway.run_reentrant

    async def run_reentrant(fn, *args, **kwargs):
        if len(args) >= 2 and isinstance(args[1], dict):
            aws_cookies(args[1])
        return await original(fn, *args, **kwargs)

    apigateway.run_reentrant = run_reentrant

    concurrency = lambda_svc._sqs_esm_concurrency

    def sqs_esm_concurrency(esm, *args, **kwargs):
        scaling = esm.get("ScalingConfig") or {}
        if isinstance(scaling.get("MaximumConcurrency"), str):
            scaling["MaximumConcurrency"] = int(scaling["MaximumConcurrency"])
        return concurrency(esm, *args, **kwargs)

    lambda_svc._sqs_esm_concurrency = sqs_esm_concurrency
    from ministack.app import main as ministack_main
    sys.argv = ["ministack"]
    ministack_main()


def aws_cookies(event):
    if event.get("version") != "2.0" or "cookies" in event or not isinstance(event.get("headers"), dict):
        return
    headers = event["headers"]
    names = [name for name in headers if name.lower() == "cookie"]
    cookies = []
    for name in names:
        cookies += [c.strip() for c in headers.pop(name).split(";") if c.strip()]
    if cookies:
        event["cookies"] = cookies


# --------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------

class StepFailed(Exception):
    pass


class Steps:
    def __init__(self, first_number):
        self.number = first_number - 1

    def run(self, title, action):
        self.number += 1
        started = time.monotonic()
        try:
            detail = action()
        except Exception as e:  # noqa: BLE001 - every failure is reported the same way
            elapsed = time.monotonic() - started
            print(f"FAIL  {self.number:2d}. {title} ({elapsed:.1f} s)", flush=True)
            message = str(e) if isinstance(e, (AssertionError, StepFailed)) else traceback.format_exc()
            for line in message.rstrip().splitlines():
                print(f"          {line}", flush=True)
            raise StepFailed(title) from e
        elapsed = time.monotonic() - started
        print(f"PASS  {self.number:2d}. {title} ({elapsed:.1f} s)", flush=True)
        for line in (detail or "").splitlines():
            print(f"          {line}", flush=True)
        return detail


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_until(what, timeout, probe, interval=0.5):
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# HTTP without redirects, cookies or proxies: every hop is asserted
# --------------------------------------------------------------------------------------------

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def location(self):
        return self.header("Location")

    def cookie(self, name):
        """The value this response sets for cookie `name`, if it sets one."""
        for k, v in self.headers:
            if k.lower() == "set-cookie" and v.startswith(name + "="):
                return v[len(name) + 1:].split(";", 1)[0]
        return None

    def __repr__(self):
        return f"HTTP {self.status} Location={self.location!r} body={self.body[:300]!r}"


def request(method, url, headers=None, form=None, body=None, timeout=120):
    """One HTTP request: a form (urlencoded) or a raw `body` with its own Content-Type in `headers`."""
    parts = urllib.parse.urlsplit(url)
    check(parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost"),
          f"refusing to call a non-local URL: {url}")
    all_headers = dict(headers or {})
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + ("?" + parts.query if parts.query else "")
        connection.request(method, target, body=body, headers=all_headers)
        answer = connection.getresponse()
        return Response(answer.status, answer.getheaders(), answer.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def query_of(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True))


def hidden_fields(page):
    return {html.unescape(n): html.unescape(v)
            for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)}


def session_cookie(run, merchant):
    """The integrator's session cookie for `merchant`, as its sign-in page sets it (docs/integrating/your-site.md)."""
    payload = b64url(json.dumps({"merchant": merchant, "exp": int(time.time()) + 3600}).encode())
    return f"authkeeper_session={payload}.{hmac_b64url(run.session_secret, 'session.' + payload)}"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hmac_b64url(key, text):
    return b64url(hmac.new(key.encode(), text.encode(), hashlib.sha256).digest())


# --------------------------------------------------------------------------------------------
# The local copy of template.yaml
# --------------------------------------------------------------------------------------------

def load_template(path):
    """template.yaml with its short-form intrinsics (!Ref, !Sub, ...) as the JSON forms."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def constructor(tag):
        def construct(loader, node):
            if isinstance(node, yaml.ScalarNode):
                value = loader.construct_scalar(node)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            if tag == "Ref":
                return {"Ref": value}
            if tag == "Condition":
                return {"Condition": value}
            if tag == "GetAtt" and isinstance(value, str):
                return {"Fn::GetAtt": value.split(".", 1)}
            return {"Fn::" + tag: value}
        return construct

    for tag in ("Ref", "Condition", "GetAtt", "Sub", "If", "Equals", "Not", "And", "Or", "Join", "Select",
                "Split", "FindInMap", "Base64", "Cidr", "ImportValue", "GetAZs", "Transform"):
        Loader.add_constructor("!" + tag, constructor(tag))
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)  # noqa: S506 - SafeLoader plus the CloudFormation tags


def local_template(template, code_key, environment):
    """The few changes MiniStack needs; template.yaml itself is never edited for MiniStack's sake.

    1. Runtime java21 -> provided.al2023. MiniStack runs java21 only in Docker (the AWS base
       image); provided.al2023 runs the zip's bootstrap on the host, and that bootstrap starts the
       runtime interface client with the same handler the java21 runtime would use (Build=jvm
       keeps Handler = io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest).
    2. SnapStart off. AWS offers SnapStart for managed runtimes only and refuses it on
       provided.al2023; MiniStack refuses it the same way. (Not testable without AWS.)
    3. CodeUri -> the zip in MiniStack's S3 (what `sam deploy` does with target/function.zip).
    4. Endpoint overrides and a short round in the functions' environment: AWS services
       (EventBridge included) -> MiniStack, LWA and the Seller Central origin -> the simulated
       Amazon, every shop https://{shop} -> the simulated Shopify, Etsy's, eBay's and TikTok Shop's hosts -> their
       simulators; a round of checks every ROUND_SECONDS in one slot instead of a day in 96,
       grouped alerts waiting 20 s for their siblings instead of an hour, and AWS calls ending
       within 20 s instead of 4 (MiniStack is one Python process on a machine the test suites load
       too: a function whose start-up read of the secret timed out would not start).
    5. Timeouts of at least LOCAL_MIN_TIMEOUT seconds. A function's timeout covers its start-up,
       and here every cold start is a JVM without SnapStart on a shared 2-core machine: the
       template's 10 s for login and authorize (sized for a native binary or a SnapStart restore)
       is not always enough for one.
    6. No AllowedValues on CommaDelimitedList parameters (SecondAppRegions). CloudFormation checks
       each item of the list against them; MiniStack 1.5.33 compares the whole value ("NA,EU,FE"
       is not one of NA, EU, FE) and refuses the stack. The items are checked here instead.
    """
    function = template["Globals"]["Function"]
    check(function.get("Runtime") == {"Fn::If": ["IsJvm", "java21", "provided.al2023"]},
          f"template.yaml's Globals.Function.Runtime changed, update infra/local_deploy.py: {function.get('Runtime')}")
    check(function.get("Handler", {}).get("Fn::If", [None, None])[1] == "io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest",
          "template.yaml's jvm Handler changed, update infra/local_deploy.py")
    check(function.get("CodeUri") == "target/function.zip", "template.yaml's CodeUri changed, update infra/local_deploy.py")
    function["Runtime"] = "provided.al2023"
    function["SnapStart"] = {"ApplyOn": "None"}
    function["CodeUri"] = {"Bucket": BUCKET, "Key": code_key}
    function["Environment"]["Variables"].update(environment)
    for name, parameter in template["Parameters"].items():
        if parameter.get("Type") == "CommaDelimitedList" and "AllowedValues" in parameter:
            allowed = parameter.pop("AllowedValues")
            items = str(parameter.get("Default", "")).split(",")
            check(all(item in allowed for item in items), f"{name}'s Default {items} is not within its AllowedValues {allowed}")
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            properties = resource["Properties"]
            properties["Timeout"] = max(properties.get("Timeout", 3), LOCAL_MIN_TIMEOUT)
    return template


def local_zip(function_zip, target):
    """function.zip plus the bootstrap (mode 0755) and the client's JNI library for this host, as a provided.al2023 package."""
    import io
    with zipfile.ZipFile(function_zip) as source:
        names = source.namelist()
        clients = [n for n in names if n.startswith("lib/") and "aws-lambda-java-runtime-interface-client" in n]
        check(clients, f"{function_zip} has no runtime interface client: build it with ./mvnw clean package -Plambda,local-deploy")
        arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch_64", "arm64": "aarch_64"}[platform.machine().lower()]
        with zipfile.ZipFile(io.BytesIO(source.read(clients[0]))) as client:
            jni = client.read(f"jni/libaws-lambda-jni.linux-{arch}.so")
        check(not any(n.startswith("dev/authkeeper/local/") for n in names),
              f"{function_zip} contains the local package: it must come from the lambda profile")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            written = {"bootstrap"}
            for item in source.infolist():
                if item.filename not in written:  # function.zip repeats some directory entries
                    written.add(item.filename)
                    out.writestr(item, source.read(item))
            info = zipfile.ZipInfo("bootstrap", date_time=time.localtime()[:6])
            info.external_attr = (0o100755 << 16)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, BOOTSTRAP)
            out.writestr(JNI_LIBRARY, jni)


# --------------------------------------------------------------------------------------------
# One seller's authorization through the deployed HTTP API, in a browser of its own
# --------------------------------------------------------------------------------------------

class Flow:
    def __init__(self, run, seller, merchant):
        self.run = run
        self.seller = seller
        self.merchant = merchant
        self.connection = "amazon:NA:" + seller

    def launch(self):
        run = self.run
        launch = request("GET", f"{run.sim_base}/simulator/launch?selling_partner_id={self.seller}")
        check(launch.status == 302 and launch.location.startswith(run.login_uri + "?"), f"launch: {launch}")
        self.amazon_state = query_of(launch.location)["amazon_state"]
        login = request("GET", launch.location)
        check(login.status == 302, f"Login URI without a session: {login}")
        check(login.location.startswith(SIGN_IN_URL + "?"), f"not sent to the sign-in page: {login.location}")
        q = query_of(login.location)
        self.return_to = q.get("return_to", "")
        # What docs/integrating/your-site.md asks the sign-in page to check.
        check(hmac.compare_digest(q.get("return_sig", ""), hmac_b64url(run.session_secret, "return." + self.return_to)),
              "return_sig does not verify with the session secret")
        check(self.return_to.startswith(run.base + "/login?"), f"return_to is not the Login URI: {self.return_to}")
        check(query_of(self.return_to).get("amazon_state") == self.amazon_state, "return_to lost amazon_state")
        return f"simulated Seller Central -> {run.login_uri} -> {SIGN_IN_URL}?return_to=…&return_sig=… (signature verified)"

    def sign_in_and_confirm(self):
        run = self.run
        self.cookie = {"Cookie": session_cookie(run, self.merchant)}
        login = request("GET", self.return_to, headers=self.cookie)
        # The flow finishes only in the browser that started it: keep the binding cookie it sets.
        binding = login.cookie(BINDING_COOKIE)
        check(binding, f"the Login URI set no {BINDING_COOKIE} cookie: {login.headers}")
        self.browser = {"Cookie": f"{self.cookie['Cookie']}; {BINDING_COOKIE}={binding}"}
        confirm_url = f"{run.sim_base}/apps/authorize/confirm/{APPLICATION_ID}"
        check(login.status == 302 and login.location.startswith(confirm_url + "?"), f"Login URI with a session: {login}")
        q = query_of(login.location)
        check(q.get("amazon_state") == self.amazon_state and q.get("state") and q.get("version") == "beta",
              f"redirect to Amazon lacks amazon_state, state or version=beta: {sorted(q)}")
        page = request("GET", login.location)
        check(page.status == 200 and "Approve" in page.body, f"confirm page: {page}")
        self.confirm_fields = hidden_fields(page.body)
        check(self.confirm_fields.get("state") == q["state"], "confirm page lost the state")
        return f"session cookie for {self.merchant} -> Login URI -> 302 to the confirm page with state, amazon_state, version=beta"

    def approve(self):
        run = self.run
        approved = request("POST", f"{run.sim_base}/apps/authorize/confirm/{APPLICATION_ID}",
                           form={**self.confirm_fields, "selling_partner_id": self.seller, "decision": "approve"})
        check(approved.status == 302 and approved.location.startswith(run.redirect_uri + "?"), f"approve: {approved}")
        check(query_of(approved.location).get("spapi_oauth_code"), "no spapi_oauth_code")
        page = request("GET", approved.location, headers=self.browser)
        check(page.status == 200 and "Your Amazon account is connected" in page.body, f"redirect URI: {page}")
        item = run.client("dynamodb").get_item(
            TableName=run.table, Key={"pk": {"S": "CONNECTION#" + self.connection}, "sk": {"S": "CONNECTION"}}).get("Item")
        check(item is not None, f"no connection item for {self.connection}")
        check(item.get("status", {}).get("S") == "ACTIVE" and item.get("merchantId", {}).get("S") == self.merchant,
              f"connection item: status {item.get('status')}, merchant {item.get('merchantId')}")
        check(item.get("checkPartition") and item.get("checkOrder"), f"{self.connection} has no place in the round of checks")
        check("Atzr|" not in repr(item), "a refresh token is stored in plain text")
        return f"Approve -> {run.redirect_uri}?state=…&spapi_oauth_code=… -> \"Your Amazon account is connected\"\n" \
               f"DynamoDB: {self.connection} ACTIVE for {self.merchant}, in the round of checks, refresh token sealed " \
               f"(no plain token in the item)"


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

class Run:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.work)
        self.port = args.port or free_port()
        self.sim_port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.sim_base = f"http://127.0.0.1:{self.sim_port}"
        # Known before the deploy: the functions' environment names it (shopify_steps starts it).
        self.shopify_port = free_port()
        self.shopify_base = f"http://127.0.0.1:{self.shopify_port}"
        self.etsy_base, self.ebay_base, self.tiktok_base = (f"http://127.0.0.1:{free_port()}" for _ in range(3))
        self.processes = {}
        self.session_secret = b64url(secrets.token_bytes(36))
        self.client_secret = "local-deploy-" + b64url(secrets.token_bytes(24))
        self.clients = {}

    # -- processes ----------------------------------------------------------------------------

    def spawn(self, name, command, env, cwd=None):
        log = open(os.path.join(self.work, f"{name}.log"), "w")
        process = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        self.write_pids()
        return process

    def write_pids(self):
        # infra/local-deploy stops these process groups too, should this process die first.
        with open(os.path.join(self.work, "pgids"), "w") as f:
            for process in self.processes.values():
                if process.poll() is None:
                    f.write(f"{process.pid}\n")

    def stop_all(self):
        """Stops every process group this run started: SIGTERM, up to 15 s to go, then SIGKILL.

        MiniStack's group includes the function JVMs it spawned. Returns the names of groups that
        had to be killed.
        """
        def alive(process):
            process.poll()  # reap the group leader, so a zombie does not count
            try:
                os.killpg(process.pid, 0)
                return True
            except ProcessLookupError:
                return False

        for process in reversed(list(self.processes.values())):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(p) for p in self.processes.values()):
            time.sleep(0.1)
        killed = []
        for name, process in self.processes.items():
            if alive(process):
                killed.append(name)
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        self.write_pids()
        return killed

    def log_tail(self, name, lines=40):
        path = os.path.join(self.work, f"{name}.log")
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    # -- AWS clients --------------------------------------------------------------------------

    def client(self, service):
        if service not in self.clients:
            import boto3
            from botocore.config import Config
            self.clients[service] = boto3.client(
                service, endpoint_url=self.endpoint, region_name=REGION,
                aws_access_key_id="test", aws_secret_access_key="test",
                config=Config(retries={"max_attempts": 2}, read_timeout=120))
        return self.clients[service]

    # -- step 3 -------------------------------------------------------------------------------

    def start_ministack(self):
        for module, package in (("boto3", "boto3"), ("samtranslator", "aws-sam-translator"), ("ministack", "ministack")):
            try:
                __import__(module)
            except ImportError:
                raise AssertionError(f"{package} is not installed in {sys.prefix}: infra/requirements.txt must "
                                     "list ministack, aws-sam-translator and boto3 (then run infra/venv)") from None
        env = {k: v for k, v in os.environ.items()
               if k in ("PATH", "HOME", "LANG", "LC_ALL", "USER", "LOGNAME", "SHELL")}
        tmp = os.path.join(self.work, "tmp")
        os.makedirs(tmp, exist_ok=True)
        os.makedirs(os.path.join(self.work, "functions"), exist_ok=True)
        env.update({
            "GATEWAY_PORT": str(self.port),
            "BIND_HOST": "127.0.0.1",
            "LOG_LEVEL": "INFO",
            # Its own scratch space: provided.* code cache, pid file, S3 data.
            "TMPDIR": tmp,
            "S3_DATA_DIR": os.path.join(self.work, "s3"),
            # The functions inherit MiniStack's environment: the bootstrap runs this JVM.
            "JAVA_HOME": self.args.java_home,
            "AUTHKEEPER_LOCAL_DEPLOY_LOGS": os.path.join(self.work, "functions"),
            # LAMBDA_STRICT stays off: in MiniStack 1.5.x it sends every runtime, provided.*
            # included, to Docker. A function left on java21 still cannot pass unnoticed: without
            # Docker MiniStack answers it with a mock 200, and step 4 checks every runtime.
        })
        self.spawn("ministack", [sys.executable, os.path.abspath(__file__), "ministack"], env)

        def ready():
            if self.processes["ministack"].poll() is not None:
                raise AssertionError("MiniStack exited:\n" + self.log_tail("ministack"))
            try:
                return request("GET", self.endpoint + "/_ministack/ready", timeout=2).status == 200
            except OSError:
                return False
        wait_until("MiniStack /_ministack/ready", 60, ready, 0.25)
        from importlib.metadata import version
        return f"MiniStack {version('ministack')} on {self.endpoint} (log: {self.work}/ministack.log)"

    # -- step 4 -------------------------------------------------------------------------------

    def deploy(self):
        s3 = self.client("s3")
        zip_path = os.path.join(self.work, "function-local.zip")
        local_zip(self.args.zip, zip_path)
        with open(zip_path, "rb") as f:
            code = f.read()
        code_key = f"function-{hashlib.sha256(code).hexdigest()[:16]}.zip"
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key=code_key, Body=code)

        environment = {
            "QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE": self.endpoint,
            "QUARKUS_KMS_ENDPOINT_OVERRIDE": self.endpoint,
            "QUARKUS_SNS_ENDPOINT_OVERRIDE": self.endpoint,
            "QUARKUS_SQS_ENDPOINT_OVERRIDE": self.endpoint,
            "AUTHKEEPER_ALERTS_EVENT_BUS_ENDPOINT": self.endpoint,
            "AUTHKEEPER_SECRETS_ENDPOINT": self.endpoint,
            "QUARKUS_REST_CLIENT_LWA_URL": self.sim_base,
            "AUTHKEEPER_AMAZON_SIMULATED_CENTRAL": self.sim_base,
            "AUTHKEEPER_SHOPIFY_SIMULATED_BASE": self.shopify_base,
            "AUTHKEEPER_ETSY_SIMULATED_BASE": self.etsy_base,
            "AUTHKEEPER_EBAY_SIMULATED_BASE": self.ebay_base,
            "AUTHKEEPER_TIKTOK_SIMULATED_BASE": self.tiktok_base,
            "AUTHKEEPER_SWEEP_INTERVAL": f"PT{ROUND_SECONDS}S",
            "AUTHKEEPER_SWEEP_SLOTS": "1",
            "AUTHKEEPER_ALERTS_GROUP_WINDOW": "PT20S",
            "AUTHKEEPER_AWS_CALL_TIMEOUT": "PT20S",
            "AUTHKEEPER_AWS_ATTEMPT_TIMEOUT": "PT10S",
        }
        template = local_template(load_template(os.path.join(self.args.root, "template.yaml")), code_key, environment)
        body = json.dumps(template, separators=(",", ":"))
        with open(os.path.join(self.work, "template-local.json"), "w") as f:
            json.dump(template, f, indent=2)
        if len(body) <= 51200:
            self.template = {"TemplateBody": body}
        else:  # CloudFormation's limit for TemplateBody; sam deploy uploads such templates to S3 too
            s3.put_object(Bucket=BUCKET, Key="template-local.json", Body=body.encode())
            self.template = {"TemplateURL": f"{self.endpoint}/{BUCKET}/template-local.json"}

        self.parameters = {
            "Build": "jvm",
            "Architecture": "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64",
            "AmazonApplicationId": APPLICATION_ID,
            "AmazonDraft": "true",
            "SessionSignInUrl": SIGN_IN_URL,
            "SweepScheduleExpression": "rate(1 minute)",  # MiniStack fires it 60-70 s after the deploy
            "SweepShards": str(SHARDS),
            "TableDeletionProtection": "false",  # a throw-away table
        }
        cfn = self.client("cloudformation")
        cfn.create_stack(StackName=STACK, **self.template, Parameters=self.stack_parameters(),
                         Capabilities=CAPABILITIES)
        self.await_stack("CREATE_COMPLETE")
        self.created_at = time.monotonic()

        resources = {r["LogicalResourceId"]: r for r in
                     cfn.describe_stack_resources(StackName=STACK)["StackResources"]}
        self.api_id = resources["HttpApi"]["PhysicalResourceId"]
        outputs = self.outputs()
        self.merchant_topic = outputs["MerchantTopicArn"]
        self.secrets_arn = outputs["SecretsArn"]
        self.client_secret_arn = outputs["DefaultAppSecretArn"]
        self.table = outputs["TableName"]
        self.event_bus = outputs["EventBusName"]
        self.base = f"http://localhost:{self.port}/_aws/execute-api/{self.api_id}"

        lam = self.client("lambda")
        runtimes = []
        for name in FUNCTIONS:
            config = lam.get_function_configuration(FunctionName=f"{STACK}-{name}", Qualifier="live")
            check(config["Runtime"] == "provided.al2023", f"{name} runs {config['Runtime']}")
            check(config["Handler"] == "io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest",
                  f"{name} has handler {config['Handler']}")
            check(config["Environment"]["Variables"].get("QUARKUS_FUNQY_EXPORT") == name,
                  f"{name} exports {config['Environment']['Variables'].get('QUARKUS_FUNQY_EXPORT')}")
            runtimes.append(f"{name}:{config['Version']}")

        # MiniStack creates the table but ignores TimeToLiveSpecification (and SSE and PITR).
        dynamodb = self.client("dynamodb")
        before = dynamodb.describe_time_to_live(TableName=self.table)["TimeToLiveDescription"]
        if before.get("TimeToLiveStatus") != "ENABLED":
            dynamodb.update_time_to_live(TableName=self.table,
                                         TimeToLiveSpecification={"AttributeName": "ttl", "Enabled": True})
        after = dynamodb.describe_time_to_live(TableName=self.table)["TimeToLiveDescription"]
        check(after.get("TimeToLiveStatus") == "ENABLED" and after.get("AttributeName") == "ttl", f"TTL: {after}")
        # The workers' event source mapping, as template.yaml declares it.
        queue_arn = self.client("sqs").get_queue_attributes(
            QueueUrl=outputs["SweepQueueUrl"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        mappings = lam.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
        check(len(mappings) == 1, f"event source mappings of the sweep queue: {mappings}")
        mapping = mappings[0]
        check(mapping["FunctionArn"].endswith(f":function:{STACK}-sweep-worker:live"),
              f"the sweep queue feeds {mapping['FunctionArn']}, not {STACK}-sweep-worker:live")
        check(mapping.get("BatchSize") == 1 and mapping.get("FunctionResponseTypes") == ["ReportBatchItemFailures"]
              and mapping.get("ScalingConfig", {}).get("MaximumConcurrency") == 4,
              f"event source mapping: {mapping}")
        kinds = sorted({r["ResourceType"] for r in resources.values()})
        return (f"stack {STACK}: {len(resources)} resources CREATE_COMPLETE ({', '.join(kinds)})\n"
                f"API {self.base}; functions provided.al2023 behind alias live ({', '.join(runtimes)})\n"
                f"sweep queue -> {STACK}-sweep-worker:live, batch size 1, ReportBatchItemFailures, "
                f"maximum concurrency 4; event bus {self.event_bus}\n"
                f"TTL on attribute ttl: {before.get('TimeToLiveStatus', 'DISABLED')} after the deploy, "
                f"set with UpdateTimeToLive")

    def stack_parameters(self):
        return [{"ParameterKey": k, "ParameterValue": v} for k, v in self.parameters.items()]

    def outputs(self):
        stack = self.client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def await_stack(self, wanted):
        cfn = self.client("cloudformation")

        def settled():
            status = cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"]
            return None if status.endswith("_IN_PROGRESS") else status
        status = wait_until(f"stack {wanted}", 180, settled, 0.5)
        if status != wanted:
            events = cfn.describe_stack_events(StackName=STACK)["StackEvents"]
            failures = [f"{e['LogicalResourceId']} ({e['ResourceType']}): {e.get('ResourceStatusReason', '')}"
                        for e in events if "FAILED" in e["ResourceStatus"]]
            raise AssertionError(f"stack is {status}, not {wanted}:\n" + "\n".join(failures[:20]))

    # -- step 5 -------------------------------------------------------------------------------

    def configure(self):
        sm = self.client("secretsmanager")
        generated = json.loads(sm.get_secret_value(SecretId=self.secrets_arn)["SecretString"])
        check({k: generated.get(k) for k in ("clientId", "clientSecret", "sessionSecret")}
              == {"clientId": "REPLACE_ME", "clientSecret": None, "sessionSecret": "REPLACE_ME"},
              f"unexpected placeholders in the new secret: {sorted(generated)}")
        link_secret = generated.get("linkSecret", "")
        check(len(link_secret) == 64, "the stack did not generate a 64-character linkSecret")
        # MiniStack 1.5.33 ignores ExcludePunctuation; AWS generates letters and digits only. A "$"
        # in the value would be read as a config expression when the functions start, and they would
        # not: put in what AWS would have generated.
        kept = "kept"
        if not link_secret.isalnum():
            alphabet = string.ascii_letters + string.digits
            link_secret = "".join(secrets.choice(alphabet) for _ in range(64))
            kept = "replaced by 64 letters and digits (MiniStack ignored ExcludePunctuation)"
        secret_string = json.dumps({"clientId": CLIENT_ID, "sessionSecret": self.session_secret, "linkSecret": link_secret})
        sm.put_secret_value(SecretId=self.secrets_arn, SecretString=secret_string)
        sm.put_secret_value(SecretId=self.client_secret_arn, SecretString=json.dumps({"clientSecret": self.client_secret}))

        # docs/operating/deploying.md's procedure after putting the secret: deploy again with a new ConfigRevision,
        # so every function starts afresh. It also sets PublicBaseUrl, which needs the API id.
        # (That environment change is what publishes the new versions: a deploy that changes only
        # ConfigRevision fails, in MiniStack as in CloudFormation, with "A version for this Lambda
        # function exists ( N ). Modify the function to create a new version." - the
        # VersionDescription alone changes no function configuration.)
        lam = self.client("lambda")
        before = {n: lam.get_alias(FunctionName=f"{STACK}-{n}", Name="live")["FunctionVersion"] for n in FUNCTIONS}
        self.parameters.update({"ConfigRevision": "2", "PublicBaseUrl": self.base})
        self.client("cloudformation").update_stack(
            StackName=STACK, **self.template, Parameters=self.stack_parameters(),
            Capabilities=CAPABILITIES)
        self.await_stack("UPDATE_COMPLETE")
        versions = []
        for name in FUNCTIONS:
            config = lam.get_function_configuration(FunctionName=f"{STACK}-{name}", Qualifier="live")
            env = config["Environment"]["Variables"]
            check(env.get("AUTHKEEPER_PUBLIC_BASE_URL") == self.base,
                  f"{name}@live has AUTHKEEPER_PUBLIC_BASE_URL={env.get('AUTHKEEPER_PUBLIC_BASE_URL')}")
            versions.append(f"{name}:{before[name]}->{config['Version']}")
        check(self.outputs().get("LoginUri") == self.base + "/login", f"LoginUri output: {self.outputs().get('LoginUri')}")
        check(sm.get_secret_value(SecretId=self.secrets_arn)["SecretString"] == secret_string,
              "the stack update changed the secret's value")
        return (f"secrets: real clientId and sessionSecret put in, the generated linkSecret {kept}; "
                f"the client secret in its own secret\n"
                f"update ConfigRevision=2, PublicBaseUrl={self.base}: alias live {', '.join(versions)}")

    # -- step 6 -------------------------------------------------------------------------------

    def start_simulator(self):
        with open(self.args.sim_classpath, encoding="utf-8") as f:
            classpath = f.read().strip()
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL")}
        env["SIMULATED_AMAZON_CLIENT_SECRET"] = self.client_secret
        self.login_uri = self.base + "/login"
        self.redirect_uri = self.base + "/callback"
        self.spawn("simulated-amazon", [
            os.path.join(self.args.java_home, "bin", "java"), "-Xmx256m", "-cp", classpath,
            "dev.authkeeper.local.SimulatedAmazonMain",
            "--port", str(self.sim_port), "--client-id", CLIENT_ID, "--application-id", APPLICATION_ID,
            "--login-uri", self.login_uri, "--redirect-uri", self.redirect_uri], env)

        def ready():
            if self.processes["simulated-amazon"].poll() is not None:
                raise AssertionError("the simulated Amazon exited:\n" + self.log_tail("simulated-amazon"))
            return "SimulatedAmazon listening on" in self.log_tail("simulated-amazon", 5)
        wait_until("the simulated Amazon", 30, ready, 0.2)
        home = request("GET", self.sim_base + "/")
        check(home.status == 200 and html.escape(self.login_uri) in home.body, f"simulator home page: {home}")
        return f"{self.sim_base}: Login URI {self.login_uri}, redirect URI {self.redirect_uri}"

    # -- step 7 -------------------------------------------------------------------------------

    def subscribe(self):
        sqs = self.client("sqs")
        sns = self.client("sns")
        self.queue_url = sqs.create_queue(QueueName="authkeeper-local-merchant-inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.set_queue_attributes(QueueUrl=self.queue_url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                           "Action": "sqs:SendMessage", "Resource": queue_arn,
                           "Condition": {"ArnEquals": {"aws:SourceArn": self.merchant_topic}}}]})})
        sns.subscribe(TopicArn=self.merchant_topic, Protocol="sqs", Endpoint=queue_arn)
        # What docs/integrating/events.md tells an integrator to do: a rule on the stack's bus, its own target.
        events = self.client("events")
        self.events_url = sqs.create_queue(QueueName="authkeeper-local-events-inbox")["QueueUrl"]
        events_arn = sqs.get_queue_attributes(QueueUrl=self.events_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rule_arn = events.put_rule(Name="integrator-all-connection-events", EventBusName=self.event_bus,
                                   EventPattern=json.dumps({"source": [EVENT_SOURCE]}))["RuleArn"]
        sqs.set_queue_attributes(QueueUrl=self.events_url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                           "Action": "sqs:SendMessage", "Resource": events_arn,
                           "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}}]})})
        events.put_targets(Rule="integrator-all-connection-events", EventBusName=self.event_bus,
                           Targets=[{"Id": "inbox", "Arn": events_arn}])
        self.events = []
        return (f"{queue_arn} subscribed to {self.merchant_topic}\n"
                f"rule {rule_arn} (source {EVENT_SOURCE}) -> {events_arn}")

    # -- steps 8-10: the authorization ----------------------------------------------------------

    def launch(self):
        self.main = Flow(self, SELLER, MERCHANT)
        return self.main.launch()

    def sign_in_and_confirm(self):
        return self.main.sign_in_and_confirm()

    def approve(self):
        return self.main.approve()

    # -- step 11: the event of the new connection -------------------------------------------------

    def read_events(self, timeout, until):
        """Moves what the bus delivered to the integrator's queue into self.events until `until(events)` holds."""
        sqs = self.client("sqs")
        deadline = time.monotonic() + timeout
        while not until(self.events):
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [(e.get("detail-type"), e.get("detail", {}).get("connectionId")) for e in self.events]
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for events (seen: {seen or 'nothing'})")
            for message in sqs.receive_message(QueueUrl=self.events_url, MaxNumberOfMessages=10,
                                               WaitTimeSeconds=int(max(1, min(5, left)))).get("Messages", []):
                sqs.delete_message(QueueUrl=self.events_url, ReceiptHandle=message["ReceiptHandle"])
                self.events.append(json.loads(message["Body"]))

    def drain_events(self, quiet_seconds):
        """Reads what else the bus delivered, until nothing has come for `quiet_seconds`."""
        sqs = self.client("sqs")
        while True:
            messages = sqs.receive_message(QueueUrl=self.events_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=quiet_seconds).get("Messages", [])
            if not messages:
                return
            for message in messages:
                sqs.delete_message(QueueUrl=self.events_url, ReceiptHandle=message["ReceiptHandle"])
                self.events.append(json.loads(message["Body"]))

    def events_of(self, detail_type, connection=CONNECTION):
        return [e for e in self.events
                if e.get("detail-type") == detail_type and e.get("detail", {}).get("connectionId") == connection]

    def await_event(self, detail_type, timeout):
        self.read_events(timeout, lambda _: self.events_of(detail_type))
        event = self.events_of(detail_type)[0]
        check(event.get("source") == EVENT_SOURCE, f"event source: {event.get('source')}")
        detail = event["detail"]
        check(detail.get("merchantId") == MERCHANT and detail.get("sellingPartnerId") == SELLER,
              f"{detail_type} for merchant {detail.get('merchantId')}, seller {detail.get('sellingPartnerId')}")
        check("Atzr|" not in json.dumps(event), f"{detail_type} carries a refresh token")
        return event

    def authorized_event(self):
        event = self.await_event("Connection Authorized", 90)
        detail = event["detail"]
        check(detail.get("status") == "ACTIVE", f"status {detail.get('status')}")
        return (f"{event['detail-type']} on {self.event_bus}: type {detail.get('type')}, connection "
                f"{detail.get('connectionId')}, status {detail.get('status')}, eventId {detail.get('eventId')}")

    # -- step 12: more sellers through the same flow ---------------------------------------------

    def connect_more(self):
        started = time.monotonic()
        for seller in FANOUT_SELLERS:
            flow = Flow(self, seller, FANOUT_MERCHANT)
            flow.launch()
            flow.sign_in_and_confirm()
            flow.approve()
        elapsed = time.monotonic() - started
        self.read_events(30, lambda _: all(self.events_of("Connection Authorized", "amazon:NA:" + s) for s in FANOUT_SELLERS))
        return (f"{len(FANOUT_SELLERS)} more sellers of {FANOUT_MERCHANT} connected through launch -> Login URI -> "
                f"sign-in -> confirm -> callback in {elapsed:.0f} s ({elapsed / len(FANOUT_SELLERS):.1f} s each); "
                f"a Connection Authorized event for each")

    # -- step 13: one scheduled planner run, fanned out ------------------------------------------

    def scan(self, prefix):
        dynamodb = self.client("dynamodb")
        items, start = [], {}
        while True:
            page = dynamodb.scan(TableName=self.table, FilterExpression="begins_with(pk, :p)",
                                 ExpressionAttributeValues={":p": {"S": prefix}}, ConsistentRead=True, **start)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}

    def runs(self):
        """Sweep runs that handed out work: id -> (units, workers finished, connections checked)."""
        return {item["pk"]["S"][len("RUN#"):]: (int(item["units"]["N"]), int(item["finished"]["N"]),
                                                 int(item.get("checked", {}).get("N", "0")))
                for item in self.scan("RUN#")}

    def round_done(self, round_index):
        """Every unit of the round's cut has finished its lap of `round_index`."""
        units = [item for item in self.scan("SWEEP#ROUND") if item["sk"]["S"].startswith(f"S1K{SHARDS}#")]
        return len(units) == SHARDS and all(
            item.get("done", {}).get("BOOL") and int(item["round"]["N"]) == round_index for item in units)

    def refresh_grants(self):
        return json.loads(request("GET", self.sim_base + "/simulator/refresh-grants").body)

    def revoke(self):
        """Revokes SELLER at a quiet moment before the next round, so that the next scheduled run is the one that finds it."""
        sellers = (SELLER,) + FANOUT_SELLERS

        def quiet():
            """The current round is done everywhere, no worker is busy, and the next round is at least 10 s away."""
            runs = self.runs()
            now = time.time()
            current = int(now) // ROUND_SECONDS
            if ((current + 1) * ROUND_SECONDS - now < 10 or not self.round_done(current)
                    or any(finished < units for units, finished, _ in runs.values())):
                return None
            return runs
        self.runs_before = wait_until("a quiet moment between two rounds", 3 * ROUND_SECONDS, quiet, 1)
        revoked = request("POST", f"{self.sim_base}/simulator/revoke", form={"selling_partner_id": SELLER})
        check(revoked.status == 303, f"revoke: {revoked}")
        home = request("GET", self.sim_base + "/")
        check(re.search(SELLER + r"</td><td>[^<]*</td><td>revoked", home.body), "the simulator does not list it as revoked")
        self.grants_before = self.refresh_grants()
        check(self.runs().keys() == self.runs_before.keys(), "a sweep run started while the authorization was revoked")
        self.revoked_at = time.monotonic()
        return (f"{SELLER} revoked in the simulated Seller Central (its refresh token now gets invalid_grant), "
                f"{(int(time.time()) // ROUND_SECONDS + 1) * ROUND_SECONDS - time.time():.0f} s before the next round; "
                f"refresh grants of the {len(sellers)} sellers noted")

    def scheduled_round(self):
        """One scheduled planner run: every connection checked once through the workers, the revoked one found."""
        sellers = (SELLER,) + FANOUT_SELLERS

        def next_run():
            new = {run: figures for run, figures in self.runs().items() if run not in self.runs_before}
            finished = [run for run, (units, done, _) in new.items() if done == units]
            return (new, self.refresh_grants()) if finished else None
        new_runs, after = wait_until("the next sweep run to finish", 2 * ROUND_SECONDS + 60, next_run, 1)
        check(len(new_runs) == 1 and self.runs().keys() == self.runs_before.keys() | new_runs.keys(),
              f"expected one new sweep run, found {new_runs}")
        run_id, (units, finished, checked) = next(iter(new_runs.items()))
        checked_per_seller = {s: after.get(s, 0) - self.grants_before.get(s, 0) for s in sellers}
        check(all(n == 1 for n in checked_per_seller.values()),
              f"refresh grants per seller in run {run_id} (each must be 1): {checked_per_seller}")
        figures = self.run_figures(run_id)
        check(units == SHARDS and finished == SHARDS and checked == len(sellers)
              and figures.get("valid") == len(sellers) - 1 and figures.get("needsReauthorization") == 1,
              f"run {run_id}: {units} units, {finished} workers finished, {checked} checked, {figures.get('valid')} valid, "
              f"{figures.get('needsReauthorization')} needing reauthorization; expected {SHARDS}, {SHARDS}, {len(sellers)}, "
              f"{len(sellers) - 1}, 1")
        item = connection_item(self, CONNECTION)
        check(item.get("status", {}).get("S") == "NEEDS_REAUTHORIZATION", f"{CONNECTION} after the round: {item.get('status')}")

        workers = self.worker_invocations(run_id)
        check(len(workers) == SHARDS, f"run {run_id}: {len(workers)} worker invocation(s) logged, expected {SHARDS}")
        overlap = max(sum(1 for s, e, _ in workers if s <= start < e) for start, _, _ in workers)
        check(overlap >= 2, f"run {run_id}: the workers ran one after another, never two at once: {workers}")
        spread = ", ".join(f"{unit}: {examined}" for _, _, (unit, examined) in sorted(workers))
        return (f"run {run_id}: 1 scheduled planner run, {units} units on the sweep queue, {finished} worker "
                f"invocations, at most {overlap} at once; {checked} connections checked, "
                f"{len(sellers)} sellers with exactly one refresh grant each; {len(sellers) - 1} valid, "
                f"{CONNECTION} NEEDS_REAUTHORIZATION ({time.monotonic() - self.revoked_at:.0f} s after the revoke)\n"
                f"connections per unit: {spread}")

    def run_figures(self, run_id):
        item = self.client("dynamodb").get_item(TableName=self.table, Key={"pk": {"S": "RUN#" + run_id}, "sk": {"S": "RUN"}},
                                                 ConsistentRead=True).get("Item", {})
        return {k: int(v["N"]) for k, v in item.items() if "N" in v}

    def worker_invocations(self, run_id):
        """(started, finished, (unit, examined)) of each worker of the run, from the workers' own log lines."""
        started, finished = {}, {}
        for line in self.function_output("sweep-worker").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            message = entry.get("message", "")
            begun = re.match(rf"Sweep {run_id}: worker started on (.+)$", message)
            ended = re.match(rf"Sweep {run_id} \((.+?)\) finished: examined=(\d+)", message)
            at = entry.get("timestamp", "")
            if begun:
                started[begun.group(1)] = at
            elif ended:
                finished[ended.group(1)] = (at, int(ended.group(2)))
        return [(started[unit], finished[unit][0], (unit, finished[unit][1])) for unit in started if unit in finished]

    def function_output(self, name):
        path = os.path.join(self.work, "functions", f"{STACK}-{name}.log")
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()

    # -- the alert of the revoked authorization ------------------------------------------------

    def next_alert(self, kind, timeout):
        sqs = self.client("sqs")
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            wait = int(max(1, min(10, deadline - time.monotonic())))
            for message in sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                               WaitTimeSeconds=wait, MessageAttributeNames=["All"]).get("Messages", []):
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                envelope = json.loads(message["Body"])
                attributes = {k: v.get("Value") for k, v in envelope.get("MessageAttributes", {}).items()}
                seen.append(attributes.get("kind"))
                if attributes.get("kind") == kind:
                    return envelope, attributes
        raise AssertionError(f"no {kind} alert within {timeout:.0f} s (seen: {seen or 'nothing'})")

    def await_alert(self):
        # The round's worker found invalid_grant; the alert (grouped) goes out with the first planner
        # run 20 s or more after the check, at most a minute and a half later. The steps in between
        # (the apps' stack update among them) use that time.
        envelope, attributes = self.next_alert("NEEDS_REAUTHORIZATION", 150)
        check(envelope.get("Type") == "Notification" and envelope.get("TopicArn") == self.merchant_topic,
              f"not a notification of the merchant topic: {envelope.get('Type')} {envelope.get('TopicArn')}")
        check(attributes.get("merchant") == MERCHANT, f"merchant attribute: {attributes.get('merchant')}")
        check(attributes.get("connection") == CONNECTION, f"connection attribute: {attributes.get('connection')}")
        body = envelope.get("Message", "")
        links = re.findall(re.escape(self.base) + r"/authorize\?link=[A-Za-z0-9_.%-]+", body)
        check(links, f"the alert has no reauthorize link to {self.base}/authorize:\n{body}")
        self.reauthorize_link = links[0]
        since_revoke = time.monotonic() - self.revoked_at
        event = self.await_event("Connection Needs Reauthorization", 30)
        detail = event["detail"]
        check(detail.get("status") == "NEEDS_REAUTHORIZATION" and detail.get("type") == "connection.needs_reauthorization"
              and detail.get("reason", {}).get("code"), f"status {detail.get('status')}, reason {detail.get('reason')}")
        check(detail["reason"]["code"] == self.reason_code,
              f"the event ({detail['reason']['code']}) and the token route's 409 ({self.reason_code}) disagree")
        return (f"kind NEEDS_REAUTHORIZATION, merchant {MERCHANT}, connection {CONNECTION}, "
                f"severity {attributes.get('severity')}; {since_revoke:.0f} s after the revoke\n"
                f"subject: {envelope.get('Subject')}\nlink: {self.base}/authorize?link=…\n"
                f"event {event['detail-type']}: reason {detail['reason'].get('code')}, as the token route's 409 said")

    # -- step 20: the reauthorize link -----------------------------------------------------------

    def reauthorize(self):
        # The link works for its merchant, signed in; the binding cookie it sets goes back with the callback.
        authorize = request("GET", self.reauthorize_link, headers=self.main.cookie)
        consent_url = f"{self.sim_base}/apps/authorize/consent"
        check(authorize.status == 302 and authorize.location.startswith(consent_url + "?"), f"reauthorize link: {authorize}")
        q = query_of(authorize.location)
        check(q.get("application_id") == APPLICATION_ID and q.get("state") and q.get("version") == "beta",
              f"consent URI lacks application_id, state or version=beta: {sorted(q)}")
        page = request("GET", authorize.location)
        check(page.status == 200, f"consent page: {page}")
        approved = request("POST", consent_url, form={**hidden_fields(page.body), "selling_partner_id": SELLER,
                                                      "decision": "approve"})
        check(approved.status == 302 and approved.location.startswith(self.redirect_uri + "?"), f"approve: {approved}")
        binding = authorize.cookie(BINDING_COOKIE)
        check(binding, f"the authorize route set no {BINDING_COOKIE} cookie: {authorize.headers}")
        result = request("GET", approved.location,
                         headers={"Cookie": f"{self.main.cookie['Cookie']}; {BINDING_COOKIE}={binding}"})
        check(result.status == 200 and "Your Amazon account is connected" in result.body, f"redirect URI: {result}")
        _, attributes = self.next_alert("RECONNECTED", 30)
        check(attributes.get("connection") == CONNECTION, f"RECONNECTED for {attributes.get('connection')}")
        # The callback publishes what it recorded within the time one publish may take; what does
        # not fit after the notice (a cold SNS client) goes with the next planner run, a minute later.
        event = self.await_event("Connection Reconnected", 90)
        return ("link -> /authorize -> consent page -> Approve -> /callback -> connected; RECONNECTED notice on the topic; "
                f"{event['detail-type']} on the bus")

    # -- step 21: each event once, each as the schema says ---------------------------------------

    def events_once(self):
        self.drain_events(5)  # a duplicate would come right behind the original
        wanted = ("Connection Authorized", "Connection Needs Reauthorization", "Connection Reconnected")
        counts = {kind: len(self.events_of(kind)) for kind in wanted}
        check(all(n == 1 for n in counts.values()), f"events of {CONNECTION} (each must come once): {counts}")
        others = sorted({e.get("detail-type") for e in self.events if e.get("detail", {}).get("connectionId") == CONNECTION}
                        - set(wanted))
        check(not others, f"{CONNECTION} also had {others}")
        for seller in FANOUT_SELLERS:
            n = len(self.events_of("Connection Authorized", "amazon:NA:" + seller))
            check(n == 1, f"{seller}: {n} Connection Authorized events")
        for event in self.events:
            self.check_schema(event)
        return (f"{', '.join(f'{k} x{n}' for k, n in counts.items())} for {CONNECTION}; one Connection Authorized "
                f"for each of the {len(FANOUT_SELLERS)} other sellers\nall {len(self.events)} details valid against "
                f"{EVENT_SCHEMA}")

    def check_schema(self, event):
        # jsonschema comes with cfn-lint (infra/requirements.txt).
        import jsonschema
        with open(os.path.join(self.args.root, EVENT_SCHEMA), encoding="utf-8") as f:
            schema = json.load(f)
        validator = jsonschema.validators.validator_for(schema)(schema)
        problems = [f"{'/'.join(map(str, e.absolute_path)) or '(detail)'}: {e.message}"
                    for e in validator.iter_errors(event["detail"])]
        check(not problems, f"{event.get('detail-type')} detail does not match {EVENT_SCHEMA}:\n" + "\n".join(problems))

    # -- step 22: nothing went wrong on the way ------------------------------------------------

    def no_errors(self):
        outputs = self.outputs()
        sqs = self.client("sqs")
        for name in ("SweepDeadLetterQueueUrl", "SweepQueueDeadLetterQueueUrl"):
            dead = sqs.get_queue_attributes(QueueUrl=outputs[name], AttributeNames=["ApproximateNumberOfMessages"])
            check(dead["Attributes"].get("ApproximateNumberOfMessages") == "0", f"{name}: {dead['Attributes']}")
        logs = self.client("logs")
        invoked = []
        # Requests this run sent to each HTTP function, and the line each handled request logs:
        # every invocation is handled exactly once (the runtime client's loop is not fed twice).
        flows = 1 + len(FANOUT_SELLERS)
        requests = {"login": (2 * flows, "LoginFlow"), "callback": (flows + 1, "CallbackFlow"),
                    "authorize": (1, "AuthorizeFlow")}
        for name in FUNCTIONS:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{STACK}-{name}").get("events", [])
            starts = [e["message"] for e in events if e["message"].startswith("START ")]
            versions = sorted({m.split("Version: ")[-1].strip() for m in starts})
            check(versions, f"{name} was never invoked")
            check("$LATEST" not in versions, f"{name} was invoked as $LATEST, not through its alias")
            output = self.function_output(name)
            if name in requests:
                sent, logger = requests[name]
                handled = output.count(f'"loggerName":"dev.authkeeper.authorization.{logger}"')
                check(len(starts) == sent and handled == sent,
                      f"{name}: {sent} request(s) sent, {len(starts)} invocation(s), {handled} handled")
            invoked.append(f"{name}@{','.join(versions)} x{len(starts)}")
            errors = [line[:300] for line in output.splitlines() if '"level":"ERROR"' in line]
            check(not errors, f"{name} logged errors:\n" + "\n".join(errors[:5]))
        plans = re.findall(r"Sweep run \w+ planned: (\d+) unit\(s\) of the round and (\d+) due shard",
                           self.function_output("sweep"))
        handing_out = sum(1 for round_units, due_units in plans if int(round_units) + int(due_units) > 0)
        workers = re.findall(r"Sweep \w+ \([^)]*\) finished: ([^\"]*)", self.function_output("sweep-worker"))
        check(handing_out and workers and all(" errors=0 " in w for w in workers), f"sweep workers: {workers}")
        return (f"invocations, all through alias live, each handled once: {'; '.join(invoked)}\n"
                f"no ERROR log line; both dead-letter queues empty; {len(plans)} planner runs, {handing_out} of them "
                f"handed out work, {len(workers)} worker runs, errors=0 in each")

    # -- diagnostics --------------------------------------------------------------------------

    def diagnose(self):
        print("---- MiniStack log (last lines) ----", flush=True)
        # A poller or dispatch error repeats every second and would fill the tail: show each once.
        errors = sorted({line.split(" ", 2)[-1].strip() for line in self.log_tail("ministack", 100000).splitlines()
                         if " ERROR " in line})
        for line in errors[:10]:
            print(f"(error) {line}", flush=True)
        print(self.log_tail("ministack", 40), flush=True)
        print("---- simulated Amazon log (last lines) ----", flush=True)
        print(self.log_tail("simulated-amazon", 15), flush=True)
        for name in ("simulated-shopify", "simulated-marketplaces"):
            if name in self.processes:
                print(f"---- {name} log (last lines) ----", flush=True)
                print(self.log_tail(name, 15), flush=True)
        for name in FUNCTIONS + ("notifications",):
            path = os.path.join(self.work, "functions", f"{STACK}-{name}.log")
            if os.path.exists(path):
                print(f"---- function {STACK}-{name} (last lines of {path}) ----", flush=True)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for line in f.readlines()[-25:]:
                        print(line.rstrip()[:600], flush=True)

    def main(self):
        steps = Steps(3)
        failed = False
        try:
            steps.run("Start MiniStack", self.start_ministack)
            steps.run("Deploy template.yaml (SAM transform) from MiniStack's S3", self.deploy)
            steps.run("Put the secret, redeploy with ConfigRevision=2 and PublicBaseUrl", self.configure)
            steps.run("Start the simulated Amazon (Seller Central + LWA)", self.start_simulator)
            steps.run("SQS queues on the merchant topic and, through a rule, on the event bus", self.subscribe)
            steps.run("Seller Central launch -> Login URI (not signed in) -> sign-in page", self.launch)
            steps.run("Signed in (session cookie) -> Login URI -> Amazon's confirm page", self.sign_in_and_confirm)
            steps.run("Approve -> redirect URI -> connected; token stored sealed", self.approve)
            steps.run("Connection Authorized event: bus -> rule -> SQS", self.authorized_event)
            steps.run(f"{len(FANOUT_SELLERS)} more sellers connected through the same flow", self.connect_more)
            api_steps(self, steps)
            steps.run("Revoke one authorization in the simulated LWA, at a quiet moment before the next round", self.revoke)
            steps.run("One scheduled round: the planner fans out to workers, each connection checked once, the revoked one found",
                      self.scheduled_round)
            # While the grouped alert waits for the next planner run: the apps' stack update.
            steps.run("Apps: one stack update with a second SP-API app and Shopify, Etsy, eBay, TikTok Shop apps; secrets; simulators",
                      lambda: apps_update(self))
            needs_reauthorization_steps(self, steps)
            steps.run("NEEDS_REAUTHORIZATION alert via SNS -> SQS, and its event", self.await_alert)
            steps.run("Reauthorize link -> consent -> callback -> RECONNECTED notice and event", self.reauthorize)
            steps.run("Each event once, each detail as the event schema says", self.events_once)
            steps.run("Every invocation via alias live, handled once, no ERROR logs, empty DLQs", self.no_errors)
            app_steps(self, steps)
            disconnect_steps(self, steps)
            shopify_steps(self, steps)
            marketplace_steps(self, steps)
            steps.run("After the rotation: a later sweep run met no refused app credentials", lambda: rotation_swept(self))
        except StepFailed:
            failed = True
            self.diagnose()
        except KeyboardInterrupt:
            failed = True
            print("interrupted", flush=True)
        finally:
            if self.args.keep and not failed:
                print(f"Everything is still running (MiniStack {self.endpoint}, simulated Amazon {self.sim_base}, "
                      f"simulated Shopify {self.shopify_base}, Etsy {self.etsy_base}, eBay {self.ebay_base}, "
                      f"TikTok Shop {self.tiktok_base} once started); "
                      "Ctrl-C stops it.", flush=True)
                try:
                    while True:
                        time.sleep(3600)
                except KeyboardInterrupt:
                    pass
            started = time.monotonic()
            left = self.stop_all()
            verdict = "FAIL" if left else "PASS"
            print(f"{verdict}  {steps.number + 1:2d}. Stop MiniStack, its function JVMs and the simulators "
                  f"({time.monotonic() - started:.1f} s){' - had to be killed: ' + ', '.join(left) if left else ''}",
                  flush=True)
            failed = failed or bool(left)
        return 1 if failed else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "ministack":
        serve_ministack()
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--root", required=True, help="the repository root")
    parser.add_argument("--work", required=True, help="a scratch directory for logs and state")
    parser.add_argument("--zip", required=True, help="target/function.zip of -Plambda,local-deploy")
    parser.add_argument("--sim-classpath", required=True, help="a file holding the simulator's classpath (its classes and the test dependencies)")
    parser.add_argument("--java-home", required=True)
    parser.add_argument("--port", type=int, default=0, help="MiniStack's port (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="after success, keep everything running until Ctrl-C")
    args = parser.parse_args()
    def interrupted(*_):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, interrupted)
    return Run(args).main()


# --------------------------------------------------------------------------------------------
# App credentials: a second app beside the default one, and a client-secret rotation end to end.
# Separate functions on the Run, called after its main flow (app_steps), so that the rest of this
# file stays as it is.
# --------------------------------------------------------------------------------------------

DRAFT_APP = "draft"
DRAFT_APPLICATION_ID = "amzn1.sp.solution.local-deploy-draft"
DRAFT_CLIENT_ID = "amzn1.application-oa2-client.localdeploydraft"
DRAFT_SELLER = "A1LOCALDEPLOYDRAFT"


def app_steps(run, steps):
    steps.run("Second app (from the apps' stack update): registered, its Login URI /login/draft -> confirm -> /callback/draft",
              lambda: second_app(run))
    steps.run("Rotation: Seller Central rotates -> notification -> queue -> function -> Secrets Manager",
              lambda: rotation_stored(run))
    steps.run("After the rotation: the old secret refused, a callback uses the new one (the sweep: see the last step)",
              lambda: rotation_used(run))


def second_app(run):
    """The second app of the apps' stack update (SecondApp* parameters, its client secret put in)
    registered with the simulated Amazon, and one authorization through it."""
    outputs = run.outputs()
    registered = request("POST", run.sim_base + "/simulator/apps", form={
        "name": DRAFT_APP, "application_id": DRAFT_APPLICATION_ID, "client_id": DRAFT_CLIENT_ID, "client_secret": run.app_secrets[DRAFT_APP],
        "login_uri": outputs["SecondAppLoginUri"], "redirect_uri": outputs["SecondAppRedirectUri"], "draft": "true"})
    check(registered.status == 303, f"registering the draft app with the simulated Amazon: {registered}")
    # Amazon's notifications for both apps go to the stack's queue (Notification Preferences).
    enrolled = request("POST", run.sim_base + "/simulator/notifications",
                       form={"queue_url": queue_url(run, outputs["NotificationsQueueArn"])})
    check(enrolled.status == 303, f"registering the notifications queue: {enrolled}")

    launch = request("GET", f"{run.sim_base}/simulator/launch?app={DRAFT_APP}&selling_partner_id={DRAFT_SELLER}")
    check(launch.status == 302 and launch.location.startswith(outputs["SecondAppLoginUri"] + "?"), f"launch of the draft app: {launch}")
    login = request("GET", launch.location, headers=run.main.cookie)
    binding = login.cookie(BINDING_COOKIE)
    confirm_url = f"{run.sim_base}/apps/authorize/confirm/{DRAFT_APPLICATION_ID}"
    check(login.status == 302 and login.location.startswith(confirm_url + "?") and binding, f"draft Login URI: {login}")
    check(query_of(login.location).get("version") == "beta", "the draft app's confirm page lacks version=beta")
    page = request("GET", login.location)
    approved = request("POST", confirm_url, form={**hidden_fields(page.body), "selling_partner_id": DRAFT_SELLER, "decision": "approve"})
    check(approved.status == 302 and approved.location.startswith(outputs["SecondAppRedirectUri"] + "?"), f"approve: {approved}")
    result = request("GET", approved.location, headers={"Cookie": f"{run.main.cookie['Cookie']}; {BINDING_COOKIE}={binding}"})
    check(result.status == 200 and "Your Amazon account is connected" in result.body, f"draft redirect URI: {result}")
    item = connection_item(run, "amazon:NA:" + DRAFT_SELLER)
    check(item.get("app", {}).get("S") == DRAFT_APP, f"the draft connection's app attribute: {item.get('app')}")
    return (f"{DRAFT_APP} registered with the simulated Amazon, its notifications queue enrolled\n"
            f"{outputs['SecondAppLoginUri']} -> confirm (version=beta) -> {outputs['SecondAppRedirectUri']} -> connected, app={DRAFT_APP}")


def rotation_stored(run):
    """Rotate in simulated Seller Central: its NEW_SECRET notification reaches the stack's queue and
    the notifications function stores the new secret as the current version of the app's secret."""
    sm = run.client("secretsmanager")
    signing = sm.get_secret_value(SecretId=run.secrets_arn)["SecretString"]
    before = json.loads(sm.get_secret_value(SecretId=run.client_secret_arn)["SecretString"])
    rotated = request("POST", run.sim_base + "/simulator/rotate", form={"app": "default"})
    check(rotated.status == 303, f"rotate: {rotated}")

    def stored():
        current = json.loads(sm.get_secret_value(SecretId=run.client_secret_arn)["SecretString"])
        return current if current.get("clientSecret") != before["clientSecret"] else None
    wait_until("the new client secret in Secrets Manager", 180, stored, 2)
    check(sm.get_secret_value(SecretId=run.secrets_arn)["SecretString"] == signing,
          "storing the client secret changed the signing keys' secret")
    previous = json.loads(sm.get_secret_value(SecretId=run.client_secret_arn, VersionStage="AWSPREVIOUS")["SecretString"])
    check(previous.get("clientSecret") == before["clientSecret"], "the old client secret is not the previous version")
    state = run.client("dynamodb").get_item(TableName=run.table, Key={"pk": {"S": "APP#default"}, "sk": {"S": "APP"}}).get("Item", {})
    check("rotationIssuedAt" in state and "oldSecretValidUntil" in state, f"no rotation recorded: {sorted(state)}")
    dead = run.client("sqs").get_queue_attributes(QueueUrl=run.outputs()["NotificationsDeadLetterQueueUrl"],
                                                  AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    check(dead.get("ApproximateNumberOfMessages") == "0", f"notifications dead-letter queue: {dead}")
    return "NEW_SECRET -> <stack>-app-notifications -> app-notifications function -> AWSCURRENT new, AWSPREVIOUS old, rotation recorded"


def rotation_used(run):
    """The old secret stops working at once (as it does seven days later): a new authorization of the
    default app connects; that the sweep still finds every connection valid is checked at the end
    (rotation_swept), when a round has surely run, instead of waiting for one here."""
    expired = request("POST", run.sim_base + "/simulator/expire-previous", form={"app": "default"})
    check(expired.status == 303, f"expire the previous secret: {expired}")
    run.rotation_expired_at = int(time.time() * 1000)

    launch = request("GET", f"{run.sim_base}/simulator/launch?selling_partner_id={SELLER}")
    login = request("GET", launch.location, headers=run.main.cookie)
    binding = login.cookie(BINDING_COOKIE)
    page = request("GET", login.location)
    approved = request("POST", f"{run.sim_base}/apps/authorize/confirm/{APPLICATION_ID}",
                       form={**hidden_fields(page.body), "selling_partner_id": SELLER, "decision": "approve"})
    result = request("GET", approved.location, headers={"Cookie": f"{run.main.cookie['Cookie']}; {BINDING_COOKIE}={binding}"})
    check(result.status == 200 and "Your Amazon account is connected" in result.body, f"callback after the rotation: {result}")
    for connection in ("amazon:NA:" + SELLER, "amazon:NA:" + DRAFT_SELLER):
        item = connection_item(run, connection)
        check(item.get("status", {}).get("S") == "ACTIVE" and "lastCheckError" not in item,
              f"{connection} after the rotation: status {item.get('status')}, lastCheckError {item.get('lastCheckError')}")
    return "old secret refused from now on; callback of the default app: connected with the new secret"


def rotation_swept(run):
    """Every sweep worker that finished after the old secret stopped working met no refused app credentials."""
    logs = run.client("logs")
    groups = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{STACK}-sweep")["logGroups"]]

    def finished_lines():
        finished = []
        for group in groups:
            events = logs.filter_log_events(logGroupName=group, startTime=run.rotation_expired_at).get("events", [])
            finished += [e["message"] for e in events if "finished" in e["message"] and "applicationLevel=" in e["message"]]
        return finished or None
    finished = wait_until("a sweep run after the rotation", 200, finished_lines, 5)
    check(all("applicationLevel=0 " in line for line in finished),
          f"the sweep met refused app credentials after the rotation: {finished}")
    for connection in ("amazon:NA:" + SELLER, "amazon:NA:" + DRAFT_SELLER):
        item = connection_item(run, connection)
        check(item.get("status", {}).get("S") == "ACTIVE" and "lastCheckError" not in item,
              f"{connection} after the rotation: status {item.get('status')}, lastCheckError {item.get('lastCheckError')}")
    return (f"{len(finished)} sweep worker run(s) since the old secret stopped working, applicationLevel=0 in each; "
            f"the last: {finished[-1][:160]}")


# --------------------------------------------------------------------------------------------
# The integrator API (/v1, IAM-authorized) and the merchant status page, through the deployed
# HTTP API. The API's requests are signed (SigV4, botocore) with the credentials of a role the
# script creates and assumes, as an integrator's order sync would. MiniStack verifies no
# signature and evaluates no execute-api:Invoke policy: it refuses a request without an
# Authorization header at the gateway and names the principal of the access key it can resolve
# in requestContext.authorizer.iam (an STS session of a role it created: its assumed-role ARN).
# --------------------------------------------------------------------------------------------

INTEGRATOR_ROLE = "authkeeper-local-order-sync"
DISCONNECTED_SELLER = FANOUT_SELLERS[0]
API_FUNCTIONS = ("access-token", "connections-api", "connections-page")


class IntegratorApi:
    """The integrator's side of /v1: every request signed by one assumed role, answers as JSON."""

    def __init__(self, run):
        iam = run.client("iam")
        account = run.client("sts").get_caller_identity()["Account"]
        role_arn = iam.create_role(RoleName=INTEGRATOR_ROLE, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                           "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        # The policy docs/integrating/api.md gives a product's role (MiniStack does not evaluate it).
        iam.put_role_policy(RoleName=INTEGRATOR_ROLE, PolicyName="integrator-api", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke",
                           "Resource": run.outputs()["IntegratorApiResource"]}]}))
        assumed = run.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="order-sync")
        from botocore.credentials import Credentials
        c = assumed["Credentials"]
        self.credentials = Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        self.principal = assumed["AssumedRoleUser"]["Arn"]
        self.base = run.base

    def call(self, method, path, payload=None, signed=True, credentials=None):
        """The answer, its body parsed into `.json`; `signed` False sends no signature, `credentials` signs with others.

        A 503 with Retry-After (the marketplace's token service did not answer in time, which a
        loaded machine can cause) is asked again after it, twice at most, as docs/integrating/api.md
        tells an integrator to.
        """
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        url = self.base + path
        body = json.dumps(payload).encode() if payload is not None else None
        for attempt in range(3):
            headers = {"Content-Type": "application/json"} if body is not None else {}
            if signed:
                unsigned = AWSRequest(method=method, url=url, data=body, headers=headers)
                SigV4Auth(credentials or self.credentials, "execute-api", REGION).add_auth(unsigned)
                headers = dict(unsigned.headers.items())
            answer = request(method, url, headers=headers, body=body)
            retry_after = answer.header("Retry-After")
            if answer.status != 503 or not (retry_after or "").isdigit() or attempt == 2:
                break
            time.sleep(min(int(retry_after), 10))
        try:
            answer.json = json.loads(answer.body) if answer.body else None
        except ValueError:
            answer.json = None
        return answer


def token_path(connection):
    return f"/v1/connections/{connection}/access-token"


def api_steps(run, steps):
    steps.run("Integrator API, SigV4 by an assumed role: unsigned 403; connect link 201; status; the merchant's list",
              lambda: api_status(run))
    steps.run("Access token: minted with one refresh grant, then the same token from the cache, no-store",
              lambda: api_access_token(run))


def needs_reauthorization_steps(run, steps):
    steps.run("Revoked: the token route answers 409 with the reason and a connect link", lambda: api_needs_reauthorization(run))
    steps.run("Status page: signed in, the connection in words with its button and CSP; signed out, the sign-in page",
              lambda: status_page(run))


def disconnect_steps(run, steps):
    steps.run("Disconnect: 204, connection.disconnected on the bus, token route 410, tokens gone, DELETE again 204",
              lambda: api_disconnect(run))


def api_status(run):
    api = run.api = IntegratorApi(run)
    unsigned = api.call("GET", f"/v1/connections/{CONNECTION}", signed=False)
    check(unsigned.status == 403 and unsigned.json == {"message": "Forbidden"}, f"an unsigned request: {unsigned}")
    # A key MiniStack cannot resolve passes its gateway with no principal (AWS refuses it there):
    # the function's own check answers.
    from botocore.credentials import Credentials
    stranger = api.call("GET", f"/v1/connections/{CONNECTION}", credentials=Credentials("AKIAUNKNOWNLOCALKEY0", "unknown"))
    check(stranger.status == 403 and (stranger.json or {}).get("error") == "no_identity", f"a key no one has: {stranger}")

    link = api.call("POST", f"/v1/merchants/{MERCHANT}/connect-links", {"region": "NA"})
    check(link.status == 201 and link.header("Cache-Control") == "no-store", f"connect link: {link}")
    check(link.json.get("url", "").startswith(run.base + "/authorize?link=") and link.json.get("merchantId") == MERCHANT
          and link.json.get("region") == "NA" and link.json.get("expiresAt") and "connectionId" not in link.json,
          f"connect link: {link.json}")
    # The function saw the signing principal (requestContext.authorizer.iam) and logged it.
    check(f"minted for {api.principal}" in run.function_output("connections-api"),
          f"the connections-api function did not log the caller {api.principal}")

    status = api.call("GET", f"/v1/connections/{CONNECTION}")
    check(status.status == 200 and status.json.get("status") == "ACTIVE" and status.json.get("merchantId") == MERCHANT
          and status.json.get("statusText") == "Connected" and status.json.get("history"), f"connection status: {status}")
    check("Atzr|" not in status.body and "Atza|" not in status.body, "the status answer carries a token")

    listing = api.call("GET", f"/v1/merchants/{MERCHANT}/connections")
    listed = [c.get("connectionId") for c in (listing.json or {}).get("connections", [])]
    check(listing.status == 200 and listed == [CONNECTION] and "next" not in listing.json, f"the merchant's connections: {listing}")
    return (f"role {INTEGRATOR_ROLE} assumed: requests signed by {api.principal}\n"
            f"unsigned GET -> 403 from the gateway; signed with an unknown key -> 403 no_identity from the function\n"
            f"POST connect-links -> 201 {run.base}/authorize?link=…\n"
            f"GET /v1/connections/{CONNECTION} -> ACTIVE, history: {len(status.json['history'])} entries; "
            f"GET /v1/merchants/{MERCHANT}/connections -> [{CONNECTION}]")


def api_access_token(run):
    api = run.api
    before = run.refresh_grants().get(SELLER, 0)
    first = api.call("GET", token_path(CONNECTION))
    check(first.status == 200 and first.header("Cache-Control") == "no-store", f"access token: {first}")
    token = first.json
    expires = datetime.datetime.fromisoformat(token.get("expiresAt", "").replace("Z", "+00:00"))
    check(token.get("accessToken", "").startswith("Atza|") and token.get("tokenType") == "bearer"
          and token.get("connectionId") == CONNECTION and token.get("merchantId") == MERCHANT
          and token.get("sellingPartnerId") == SELLER and token.get("region") == "NA"
          and token.get("endpoint") == "https://sellingpartnerapi-na.amazon.com"
          and "refreshToken" not in token and "Atzr|" not in first.body,
          f"access token fields: {sorted(token)}, region {token.get('region')}, endpoint {token.get('endpoint')}")
    left = expires - datetime.datetime.now(datetime.timezone.utc)
    check(left > datetime.timedelta(minutes=5), f"the token expires in {left}")
    minted = run.refresh_grants().get(SELLER, 0)
    check(minted > before, f"no refresh grant for {SELLER} behind the first token ({before} -> {minted})")

    # The second answer comes from the cache: the same token, no refresh grant. A sweep check of
    # the seller also counts a grant: when a sweep run was busy meanwhile, ask again.
    for _ in range(3):
        runs = run.runs()
        grants = run.refresh_grants().get(SELLER, 0)
        second = api.call("GET", token_path(CONNECTION))
        after = run.refresh_grants().get(SELLER, 0)
        if run.runs() == runs and all(finished == units for units, finished, _ in runs.values()):
            break
    else:
        raise AssertionError("a sweep run was busy during each of three tries")
    check(second.status == 200 and second.json.get("accessToken") == token["accessToken"]
          and second.json.get("expiresAt") == token["expiresAt"], f"the second answer is not the cached token: {second}")
    check(after == grants, f"the cached answer cost a refresh grant ({grants} -> {after})")
    log = run.function_output("access-token")
    check(f"requested by {api.principal}: minted" in log and f"requested by {api.principal}: served from the cache" in log,
          "the access-token function did not log a mint and a cached answer for the role")
    return (f"GET {token_path(CONNECTION)} -> 200 Atza|…, bearer, expires in {left.seconds // 60} min, "
            f"{token['endpoint']}, Cache-Control: no-store; {minted - before} refresh grant\n"
            f"again -> the same token, {after - grants} refresh grant (logged: minted, then served from the cache)")


def api_needs_reauthorization(run):
    answer = run.api.call("GET", token_path(CONNECTION))
    body = answer.json or {}
    check(answer.status == 409 and body.get("error") == "needs_reauthorization" and body.get("status") == "NEEDS_REAUTHORIZATION"
          and body.get("reasonCode") and body.get("reason") and body.get("since"), f"token route after the revoke: {answer}")
    link = body.get("connectLink") or {}
    check(link.get("url", "").startswith(run.base + "/authorize?link=") and link.get("expiresAt"), f"connectLink: {link}")
    check(answer.header("Cache-Control") == "no-store", f"Cache-Control: {answer.header('Cache-Control')}")
    run.reason_code = body["reasonCode"]
    return (f"GET {token_path(CONNECTION)} -> 409 needs_reauthorization, reasonCode {body['reasonCode']}: {body['reason']}\n"
            f"connectLink {run.base}/authorize?link=…")


def status_page(run):
    signed_out = request("GET", run.base + "/connections")
    check(signed_out.status == 302 and (signed_out.location or "").startswith(SIGN_IN_URL + "?"), f"signed out: {signed_out}")
    q = query_of(signed_out.location)
    check(q.get("return_to") == run.base + "/connections"
          and hmac.compare_digest(q.get("return_sig", ""), hmac_b64url(run.session_secret, "return." + q["return_to"])),
          f"sign-in redirect: return_to {q.get('return_to')}, return_sig verifies: no")

    page = request("GET", run.base + "/connections", headers=run.main.cookie)
    check(page.status == 200 and (page.header("Content-Type") or "").startswith("text/html"), f"status page: {page}")
    csp = page.header("Content-Security-Policy") or ""
    check("frame-ancestors 'none'" in csp and page.header("X-Frame-Options") == "DENY", f"framing headers: CSP {csp!r}, "
          f"X-Frame-Options {page.header('X-Frame-Options')!r}")
    check(page.header("Cache-Control") == "no-store", f"Cache-Control: {page.header('Cache-Control')}")
    cards = dict(re.findall(r'<li class="[a-z]+" data-connection="([^"]+)">(.*?)</li>', page.body, re.S))
    check(list(cards) == [CONNECTION], f"the page lists {list(cards)}, not [{CONNECTION}]")
    card = cards[CONNECTION]
    check('<span class="badge problem">Needs reauthorization</span>' in card, f"status in words: {card}")
    button = re.search(r'<a class="button" href="([^"]+)"[^>]*>Reauthorize</a>', card)
    check(button and html.unescape(button.group(1)).startswith(run.base + "/authorize?link="), f"Reauthorize button: {card}")
    check(len(re.findall(r">Connect an account in [^<]+</a>", page.body)) >= 1, "no Connect another account button")
    return (f"signed out -> 302 {SIGN_IN_URL}?return_to={run.base}/connections&return_sig=… (verified)\n"
            f"signed in as {MERCHANT} -> 200 HTML: {CONNECTION} \"Needs reauthorization\" with a Reauthorize link; "
            f"CSP {csp.split('frame-ancestors', 1)[1].strip()!r} for frame-ancestors, X-Frame-Options DENY")


def api_disconnect(run):
    api = run.api
    connection = "amazon:NA:" + DISCONNECTED_SELLER
    cached = api.call("GET", token_path(connection))
    check(cached.status == 200, f"a token before the disconnect: {cached}")
    key = {"pk": {"S": "CONNECTION#" + connection}, "sk": {"S": "ACCESS_TOKEN"}}
    dynamodb = run.client("dynamodb")
    check("Item" in dynamodb.get_item(TableName=run.table, Key=key, ConsistentRead=True), "no cache entry after the token")

    gone = api.call("DELETE", f"/v1/connections/{connection}")
    check(gone.status == 204 and not gone.body, f"disconnect: {gone}")
    run.read_events(60, lambda _: run.events_of("Connection Disconnected", connection))
    event = run.events_of("Connection Disconnected", connection)[0]
    detail = event["detail"]
    check(detail.get("type") == "connection.disconnected" and detail.get("status") == "DISCONNECTED"
          and detail.get("merchantId") == FANOUT_MERCHANT, f"the event: {detail}")
    run.check_schema(event)

    refused = api.call("GET", token_path(connection))
    check(refused.status == 410 and refused.json.get("error") == "disconnected" and refused.json.get("disconnectedAt"),
          f"token route after the disconnect: {refused}")
    item = connection_item(run, connection)
    check(item.get("status", {}).get("S") == "DISCONNECTED" and "token" not in item and "checkPartition" not in item,
          f"the connection item after the disconnect: {sorted(item)}")
    check("Item" not in dynamodb.get_item(TableName=run.table, Key=key, ConsistentRead=True), "the cache entry is still there")
    status = api.call("GET", f"/v1/connections/{connection}")
    requested_by = [h.get("details", {}).get("requestedBy") for h in status.json.get("history", [])
                    if h.get("details", {}).get("reason") == "DISCONNECTED_BY_INTEGRATOR"]
    check(status.json.get("status") == "DISCONNECTED" and requested_by == [api.principal],
          f"status after the disconnect: {status.json.get('status')}, requestedBy {requested_by}")
    listing = api.call("GET", f"/v1/merchants/{FANOUT_MERCHANT}/connections")
    listed = {c["connectionId"] for c in listing.json.get("connections", [])}
    check(listing.status == 200 and connection not in listed and len(listed) == len(FANOUT_SELLERS) - 1,
          f"{FANOUT_MERCHANT}'s connections after the disconnect: {sorted(listed)}")
    again = api.call("DELETE", f"/v1/connections/{connection}")
    check(again.status == 204, f"a second DELETE: {again}")

    for name in API_FUNCTIONS:
        errors = [line[:300] for line in run.function_output(name).splitlines() if '"level":"ERROR"' in line]
        check(not errors, f"{name} logged errors:\n" + "\n".join(errors[:5]))
    return (f"DELETE /v1/connections/{connection} -> 204; Connection Disconnected ({detail['type']}) on the bus\n"
            f"token route -> 410 disconnected; refresh token and cache entry gone, out of the round and of "
            f"{FANOUT_MERCHANT}'s list; history: DISCONNECTED_BY_INTEGRATOR by {api.principal}\n"
            f"DELETE again -> 204; no ERROR log line in {', '.join(API_FUNCTIONS)}")


def queue_url(run, arn):
    name = arn.rsplit(":", 1)[-1]
    return run.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]


def connection_item(run, connection):
    item = run.client("dynamodb").get_item(TableName=run.table, Key={"pk": {"S": "CONNECTION#" + connection},
                                                                      "sk": {"S": "CONNECTION"}}).get("Item")
    check(item is not None, f"no connection item for {connection}")
    return item


# --------------------------------------------------------------------------------------------
# Shopify: the stack updated with a Shopify app, the simulated Shopify (SimulatedShopifyMain, a
# separate JVM) serving every shop https://{shop} under its own base, and one shop through install,
# access token and uninstall, all through the deployed HTTP API.
# --------------------------------------------------------------------------------------------

SHOPIFY_APP = "shopify"
SHOPIFY_CLIENT_ID = "localdeployshopifyclient"
SHOPIFY_SCOPES = "read_orders,read_products"
SHOP = "acme-store.myshopify.com"
SHOPIFY_CONNECTION = "shopify:" + SHOP
SHOPIFY_MERCHANT = "merchant-shop"
# What a Shopify token looks like: none may appear in an item, an answer or an event.
SHOPIFY_TOKEN_PREFIXES = ("shpat_", "shprt_")


def shopify_steps(run, steps):
    steps.run("Shop admin -> App URL /login/shopify -> sign-in -> Shopify consent -> /callback/shopify -> connected, token sealed",
              lambda: shopify_install(run))
    steps.run("Shopify access token (SigV4): 200 with shopDomain, one refresh grant, the refresh token rotated",
              lambda: shopify_access_token(run))
    steps.run("Webhooks via /notifications/shopify: forged 401; app/uninstalled -> DISCONNECTED, tokens gone, event",
              lambda: shopify_uninstall(run))


def control(base, method, path):
    """What a simulator's control port (SimulatedShopifyMain, SimulatedEtsyEbayTikTokMain) answers, as JSON."""
    answer = request(method, base + path)
    check(answer.status == 200, f"simulator control {method} {path}: {answer}")
    return json.loads(answer.body)


def shopify_control(run, method, path):
    return control(run.shopify_control, method, path)


def refresh_calls(run):
    return shopify_control(run, "GET", "/token-calls?grant=refresh_token")["calls"]


def no_shopify_token(text, what):
    check(not any(prefix in text for prefix in SHOPIFY_TOKEN_PREFIXES), f"{what} holds a Shopify token in plain text")


def shopify_install(run):
    urls = run.shopify_urls
    admin = request("GET", f"{run.shopify_base}/{SHOP}/admin")
    link = re.search(r'<a href="([^"]+)">Open/Install app</a>', admin.body)
    check(admin.status == 200 and link, f"the shop's admin page: {admin}")
    launch = html.unescape(link.group(1))
    check(launch.startswith(urls["App"] + "?") and {"hmac", "shop", "timestamp", "host"} <= query_of(launch).keys(),
          f"the admin's Open app link is not the signed App URL: {launch.split('?')[0]}")
    signed_out = request("GET", launch)
    check(signed_out.status == 302 and (signed_out.location or "").startswith(SIGN_IN_URL + "?"), f"App URL signed out: {signed_out}")
    return_to = query_of(signed_out.location).get("return_to", "")
    check(return_to.startswith(urls["App"] + "?")
          and hmac.compare_digest(query_of(signed_out.location).get("return_sig", ""),
                                  hmac_b64url(run.session_secret, "return." + return_to)),
          f"sign-in redirect: return_to {return_to.split('?')[0]}, return_sig verifies: no")

    cookie = session_cookie(run, SHOPIFY_MERCHANT)
    login = request("GET", return_to, headers={"Cookie": cookie})
    binding = login.cookie(BINDING_COOKIE)
    consent_url = f"{run.shopify_base}/{SHOP}/admin/oauth/authorize"
    check(login.status == 302 and (login.location or "").startswith(consent_url + "?") and binding, f"App URL signed in: {login}")
    q = query_of(login.location)
    check(q.get("client_id") == SHOPIFY_CLIENT_ID and q.get("scope") == SHOPIFY_SCOPES and q.get("redirect_uri") == urls["Redirect"]
          and q.get("state"), f"Shopify's authorize URL: client_id {q.get('client_id')}, scope {q.get('scope')}, "
          f"redirect_uri {q.get('redirect_uri')}, state given: {bool(q.get('state'))}")
    page = request("GET", login.location)
    check(page.status == 200 and "Approve" in page.body, f"Shopify's consent page: {page}")
    approved = request("POST", consent_url, form={**hidden_fields(page.body), "decision": "approve"})
    check(approved.status == 302 and (approved.location or "").startswith(urls["Redirect"] + "?")
          and query_of(approved.location).get("code"), f"approve: {approved}")
    result = request("GET", approved.location, headers={"Cookie": f"{cookie}; {BINDING_COOKIE}={binding}"})
    check(result.status == 200 and "Your Shopify account is connected" in result.body, f"/callback/{SHOPIFY_APP}: {result}")

    item = connection_item(run, SHOPIFY_CONNECTION)
    check(item.get("status", {}).get("S") == "ACTIVE" and item.get("merchantId", {}).get("S") == SHOPIFY_MERCHANT
          and item.get("app", {}).get("S") == SHOPIFY_APP and "token" in item,
          f"{SHOPIFY_CONNECTION}: status {item.get('status')}, merchant {item.get('merchantId')}, app {item.get('app')}, "
          f"token stored: {'token' in item}")
    no_shopify_token(repr(item), "the connection item")
    codes = shopify_control(run, "GET", "/token-calls?grant=authorization_code")["calls"]
    check(codes == 1, f"{codes} code exchanges at the simulated Shopify, expected 1")
    return (f"shop admin's Open app -> {urls['App']}?hmac=…&shop={SHOP}&… -> sign-in (return_sig verified) -> "
            f"session of {SHOPIFY_MERCHANT} -> {consent_url} (scope {SHOPIFY_SCOPES}) -> Approve -> "
            f"{urls['Redirect']}?code=…&hmac=… -> \"Your Shopify account is connected\"\n"
            f"DynamoDB: CONNECTION#{SHOPIFY_CONNECTION} ACTIVE for {SHOPIFY_MERCHANT}, app {SHOPIFY_APP}, refresh token sealed; "
            f"1 code exchange")


def shopify_access_token(run):
    answer, grants, before = access_token_alone(run, SHOPIFY_CONNECTION, lambda: refresh_calls(run))
    token = answer.json or {}
    check(answer.status == 200 and answer.header("Cache-Control") == "no-store", f"access token: {answer}")
    check(token.get("accessToken", "").startswith("shpat_") and token.get("shopDomain") == SHOP
          and token.get("accountId") == SHOP and token.get("marketplace") == "shopify"
          and token.get("connectionId") == SHOPIFY_CONNECTION and token.get("merchantId") == SHOPIFY_MERCHANT
          and "region" not in token and "sellingPartnerId" not in token and "shprt_" not in answer.body,
          f"access token fields: {sorted(token)}, marketplace {token.get('marketplace')}, shopDomain {token.get('shopDomain')}")
    check(grants == 1, f"{grants} refresh grants at the simulated Shopify behind the token, expected 1")
    after = connection_item(run, SHOPIFY_CONNECTION)
    check(after.get("token") != before.get("token"), "the stored refresh token did not change: Shopify rotated it")
    check(after.get("previousToken") == before.get("token"), "the used refresh token is not kept as previousToken")
    no_shopify_token(repr(after), "the connection item")
    return (f"GET {token_path(SHOPIFY_CONNECTION)} -> 200 shpat_…, shopDomain {SHOP}, Cache-Control: no-store; "
            f"1 refresh grant at the simulated Shopify\n"
            f"DynamoDB: the sealed token replaced by the rotated one, the used one kept sealed as previousToken")


def sweep_idle(run, timeout):
    """The sweep runs once none is busy, or as they are after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        runs = run.runs()
        if all(finished == units for units, finished, _ in runs.values()) or time.monotonic() >= deadline:
            return runs
        time.sleep(1)


def access_token_alone(run, connection, refresh_grants):
    """The token route's answer, the refresh grants behind it and the connection item before it.

    A sweep check of a marketplace that rotates refresh tokens rotates them too: when a sweep run
    was busy meanwhile, the cached access token is forgotten and the route asked again.
    """
    cache = {"pk": {"S": "CONNECTION#" + connection}, "sk": {"S": "ACCESS_TOKEN"}}
    for _ in range(3):
        runs = sweep_idle(run, ROUND_SECONDS)
        before = connection_item(run, connection)
        calls = refresh_grants()
        answer = run.api.call("GET", token_path(connection))
        grants = refresh_grants() - calls
        if run.runs() == runs and all(finished == units for units, finished, _ in runs.values()):
            return answer, grants, before
        run.client("dynamodb").delete_item(TableName=run.table, Key=cache)
    raise AssertionError("a sweep run was busy during each of three tries")


def shopify_uninstall(run):
    webhooks = run.shopify_urls["Webhooks"]
    # Shopify waits five seconds for an answer; the notifications function's first start here is a
    # JVM without SnapStart on a shared machine. A delivery without a signature starts it (and is refused).
    unsigned = request("POST", webhooks, headers={"Content-Type": "application/json", "X-Shopify-Topic": "app/uninstalled",
                                                  "X-Shopify-Shop-Domain": SHOP}, body=b'{"domain":"' + SHOP.encode() + b'"}')
    check(unsigned.status == 401, f"a delivery without a signature: {unsigned}")
    forged = shopify_control(run, "POST", f"/forged-uninstall?shop={SHOP}")
    check(forged.get("status") == 401, f"a forged app/uninstalled (wrong key): answered {forged.get('status')}")
    # A sweep check may rotate the token meanwhile; what a forged uninstall would change is the status.
    kept = connection_item(run, SHOPIFY_CONNECTION)
    check(kept.get("status", {}).get("S") == "ACTIVE" and "token" in kept,
          f"after the forged delivery: status {kept.get('status')}, token kept: {'token' in kept}")

    uninstalled = request("POST", f"{run.shopify_base}/{SHOP}/admin/simulator/uninstall", form={"app": SHOPIFY_APP})
    check(uninstalled.status == 303, f"uninstall in the shop's admin: {uninstalled}")
    delivery = shopify_control(run, "GET", "/deliveries")[-1]
    check(delivery.get("topic") == "app/uninstalled" and not delivery.get("forged"), f"the last delivery: {delivery.get('topic')}")
    retried = ""
    if delivery.get("status") == 0:  # no answer within Shopify's five seconds: Shopify retries
        delivery = shopify_control(run, "POST", f"/resend?webhook_id={delivery['webhookId']}")
        retried = " (the first delivery had no answer within Shopify's 5 s; its retry)"
    check(delivery.get("status") == 200, f"app/uninstalled answered {delivery.get('status')}")
    item = connection_item(run, SHOPIFY_CONNECTION)
    check(item.get("status", {}).get("S") == "DISCONNECTED" and "token" not in item and "previousToken" not in item,
          f"{SHOPIFY_CONNECTION} after the uninstall: status {item.get('status')}, attributes {sorted(item)}")

    run.read_events(90, lambda _: run.events_of("Connection Disconnected", SHOPIFY_CONNECTION))
    event = run.events_of("Connection Disconnected", SHOPIFY_CONNECTION)[0]
    detail = event["detail"]
    check(detail.get("type") == "connection.disconnected" and detail.get("status") == "DISCONNECTED"
          and detail.get("merchantId") == SHOPIFY_MERCHANT, f"the event: {detail}")
    no_shopify_token(json.dumps(event), "the event")
    run.check_schema(event)
    refused = run.api.call("GET", token_path(SHOPIFY_CONNECTION))
    check(refused.status == 410 and (refused.json or {}).get("error") == "disconnected", f"token route after the uninstall: {refused}")
    for name in ("notifications", "login", "callback", "access-token"):
        errors = [line[:300] for line in run.function_output(name).splitlines() if '"level":"ERROR"' in line]
        check(not errors, f"{name} logged errors:\n" + "\n".join(errors[:5]))
    return (f"unsigned delivery -> 401; forged app/uninstalled (wrong key) -> 401, connection unchanged\n"
            f"Uninstall in the shop's admin -> signed app/uninstalled -> {webhooks} -> 200{retried}; "
            f"{SHOPIFY_CONNECTION} DISCONNECTED, token and previousToken gone\n"
            f"{event['detail-type']} ({detail['type']}) on the bus, valid against {EVENT_SCHEMA}; token route -> 410; "
            f"no ERROR log line in notifications, login, callback, access-token")

# --------------------------------------------------------------------------------------------
# The apps beside the default one, in one stack update: the second SP-API app, and Shopify, Etsy,
# eBay and TikTok Shop apps (one update, not five: each update publishes every function anew, and
# every function then starts cold). The simulated Shopify (SimulatedShopifyMain) and the simulated
# Etsy, eBay and TikTok Shop (SimulatedEtsyEbayTikTokMain, one JVM for the three) start meanwhile.
# --------------------------------------------------------------------------------------------

ETSY_APP, EBAY_APP, TIKTOK_APP = "etsy", "ebay", "tiktok"
ETSY_KEYSTRING = "localdeployetsykeystring"
ETSY_SCOPES = "shops_r,transactions_r"  # EtsyScopes' default
ETSY_USER = "81234567"  # SimulatedEtsy.DEFAULT_USER
ETSY_CONNECTION = "etsy:" + ETSY_USER
EBAY_CLIENT_ID = "AuthKeep-LocalDep-PRD-0a1b2c3d4-5e6f7a8b"
EBAY_RUNAME = "AuthKeeper_Local-AuthKeep-LocalD-runame"
EBAY_SCOPES = ("https://api.ebay.com/oauth/api_scope/sell.inventory,"  # EbayScopes' default
               "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly")
EBAY_USERNAME, EBAY_USER_ID = "acme_seller", "eXk7Qm2vRz"  # SimulatedEbay.DEFAULT_USERNAME, DEFAULT_USER_ID
EBAY_CONNECTION = "ebay:" + EBAY_USER_ID
TIKTOK_SERVICE_ID = "7300000000000000001"
TIKTOK_APP_KEY = "6localdeploykey"
TIKTOK_SELLER = "acme-seller-7f3a"  # SimulatedTikTokShop.DEFAULT_SELLER
TIKTOK_CONNECTION = "tiktok:WW:" + TIKTOK_SELLER
MARKETPLACES_MERCHANT = "merchant-marketplaces"


def apps_update(run):
    urls = {"ShopifyApp": f"{run.base}/login/{SHOPIFY_APP}", "ShopifyRedirect": f"{run.base}/callback/{SHOPIFY_APP}",
            "ShopifyWebhooks": f"{run.base}/notifications/{SHOPIFY_APP}",
            "SecondAppLoginUri": f"{run.base}/login/{DRAFT_APP}", "SecondAppRedirectUri": f"{run.base}/callback/{DRAFT_APP}",
            "EtsyCallback": f"{run.base}/callback/{ETSY_APP}",
            "EbayAccepted": f"{run.base}/callback/{EBAY_APP}", "EbayNotifications": f"{run.base}/notifications/{EBAY_APP}",
            "TikTokRedirect": f"{run.base}/callback/{TIKTOK_APP}", "TikTokWebhook": f"{run.base}/notifications/{TIKTOK_APP}"}
    run.app_secrets = {name: f"local-deploy-{name}-" + b64url(secrets.token_bytes(24))
                       for name in (DRAFT_APP, SHOPIFY_APP, ETSY_APP, EBAY_APP, TIKTOK_APP)}
    verification_token = b64url(secrets.token_bytes(36))
    start_simulators(run, urls, verification_token)

    run.parameters.update({
        "ConfigRevision": "3",
        "SecondAppName": DRAFT_APP, "SecondAppApplicationId": DRAFT_APPLICATION_ID, "SecondAppClientId": DRAFT_CLIENT_ID,
        "SecondAppDraft": "true",
        "ShopifyAppName": SHOPIFY_APP, "ShopifyClientId": SHOPIFY_CLIENT_ID, "ShopifyScopes": SHOPIFY_SCOPES,
        "EtsyAppName": ETSY_APP, "EtsyKeystring": ETSY_KEYSTRING,
        "EbayAppName": EBAY_APP, "EbayClientId": EBAY_CLIENT_ID, "EbayRuName": EBAY_RUNAME, "EbayVerificationToken": verification_token,
        "TikTokAppName": TIKTOK_APP, "TikTokServiceId": TIKTOK_SERVICE_ID, "TikTokAppKey": TIKTOK_APP_KEY})
    run.client("cloudformation").update_stack(StackName=STACK, **run.template, Parameters=run.stack_parameters(),
                                              Capabilities=CAPABILITIES)
    run.await_stack("UPDATE_COMPLETE")
    outputs = run.outputs()
    given = {name: outputs.get(name if name.startswith("SecondApp") else name + "Url") for name in urls}
    check(given == urls, "outputs: " + ", ".join(f"{k} {v}" for k, v in given.items() if v != urls[k]))
    run.shopify_urls = {name: urls["Shopify" + name] for name in ("App", "Redirect", "Webhooks")}
    sm = run.client("secretsmanager")
    for name, output in ((DRAFT_APP, "SecondAppSecretArn"), (SHOPIFY_APP, "ShopifySecretArn"), (ETSY_APP, "EtsySecretArn"),
                         (EBAY_APP, "EbaySecretArn"), (TIKTOK_APP, "TikTokSecretArn")):
        sm.put_secret_value(SecretId=outputs[output], SecretString=json.dumps({"clientSecret": run.app_secrets[name]}))

    lam = run.client("lambda")
    env = lam.get_function_configuration(FunctionName=f"{STACK}-notifications", Qualifier="live")["Environment"]["Variables"]
    apps = [(a.get("marketplace"), a.get("name"), a.get("clientId"), a.get("applicationId"), ",".join(a.get("scopes", [])))
            for a in json.loads(env.get("AUTHKEEPER_APPS", "[]"))]
    check(apps == [("shopify", SHOPIFY_APP, SHOPIFY_CLIENT_ID, None, SHOPIFY_SCOPES), ("etsy", ETSY_APP, ETSY_KEYSTRING, None, ETSY_SCOPES),
                   ("ebay", EBAY_APP, EBAY_CLIENT_ID, EBAY_RUNAME, EBAY_SCOPES), ("tiktok", TIKTOK_APP, TIKTOK_APP_KEY, TIKTOK_SERVICE_ID, "")],
          f"AUTHKEEPER_APPS: {apps}")
    check(env.get("AUTHKEEPER_EBAY_VERIFICATION_TOKEN") == verification_token, "notifications@live lacks the eBay verification token")
    callback = lam.get_function_configuration(FunctionName=f"{STACK}-callback", Qualifier="live")["Environment"]["Variables"]
    check("AUTHKEEPER_EBAY_VERIFICATION_TOKEN" not in callback, "the eBay verification token reached the callback function")
    check(json.loads(callback.get("AUTHKEEPER_AMAZON_APPS", "[]"))[0].get("name") == DRAFT_APP, "AUTHKEEPER_AMAZON_APPS lacks the second app")
    await_simulators(run)
    return (f"update ConfigRevision=3: SecondAppName={DRAFT_APP}, ShopifyAppName={SHOPIFY_APP}, EtsyAppName={ETSY_APP}, "
            f"EbayAppName={EBAY_APP} (RuName {EBAY_RUNAME}), TikTokAppName={TIKTOK_APP} (service id {TIKTOK_SERVICE_ID})\n"
            f"AUTHKEEPER_APPS: shopify, etsy, ebay, tiktok; the eBay verification token on the notifications function only\n"
            f"client secrets put into SecondAppSecretArn, ShopifySecretArn, EtsySecretArn, EbaySecretArn, TikTokSecretArn\n"
            f"simulated Shopify {run.shopify_base}; simulated Etsy {run.etsy_base}, eBay {run.ebay_base}, "
            f"TikTok Shop {run.tiktok_base} (the functions' AUTHKEEPER_*_SIMULATED_BASE)")


def start_simulators(run, urls, verification_token):
    with open(run.args.sim_classpath, encoding="utf-8") as f:
        classpath = f.read().strip()
    java = os.path.join(run.args.java_home, "bin", "java")
    base_env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL")}
    run.shopify_control = f"http://127.0.0.1:{free_port()}"
    run.spawn("simulated-shopify", [
        java, "-Xmx256m", "-cp", classpath, "dev.authkeeper.local.SimulatedShopifyMain",
        "--port", str(run.shopify_port), "--control-port", run.shopify_control.rsplit(":", 1)[1], "--name", SHOPIFY_APP,
        "--client-id", SHOPIFY_CLIENT_ID, "--scopes", SHOPIFY_SCOPES, "--app-url", urls["ShopifyApp"],
        "--redirect-uri", urls["ShopifyRedirect"], "--webhook-url", urls["ShopifyWebhooks"]],
        {**base_env, "SIMULATED_SHOPIFY_CLIENT_SECRET": run.app_secrets[SHOPIFY_APP]})
    run.marketplaces_control = f"http://127.0.0.1:{free_port()}"
    port = lambda base: base.rsplit(":", 1)[1]  # noqa: E731
    run.spawn("simulated-marketplaces", [
        java, "-Xmx256m", "-cp", classpath, "dev.authkeeper.local.SimulatedEtsyEbayTikTokMain",
        "--control-port", port(run.marketplaces_control),
        "--etsy-port", port(run.etsy_base), "--etsy-name", ETSY_APP, "--etsy-keystring", ETSY_KEYSTRING,
        "--etsy-redirect-uri", urls["EtsyCallback"],
        "--ebay-port", port(run.ebay_base), "--ebay-name", EBAY_APP, "--ebay-client-id", EBAY_CLIENT_ID, "--ebay-runame", EBAY_RUNAME,
        "--ebay-accepted-url", urls["EbayAccepted"], "--ebay-scopes", EBAY_SCOPES, "--ebay-notification-url", urls["EbayNotifications"],
        "--tiktok-port", port(run.tiktok_base), "--tiktok-name", TIKTOK_APP, "--tiktok-service-id", TIKTOK_SERVICE_ID,
        "--tiktok-app-key", TIKTOK_APP_KEY, "--tiktok-redirect-uri", urls["TikTokRedirect"], "--tiktok-webhook-url", urls["TikTokWebhook"]],
        {**base_env, "SIMULATED_ETSY_SHARED_SECRET": run.app_secrets[ETSY_APP],
         "SIMULATED_EBAY_CLIENT_SECRET": run.app_secrets[EBAY_APP], "SIMULATED_EBAY_VERIFICATION_TOKEN": verification_token,
         "SIMULATED_TIKTOK_APP_SECRET": run.app_secrets[TIKTOK_APP]})


def await_simulators(run):
    def ready():
        for name, line in (("simulated-shopify", "SimulatedShopify listening on"), ("simulated-marketplaces", "SimulatedEtsyEbayTikTok listening")):
            if run.processes[name].poll() is not None:
                raise AssertionError(f"the {name} exited:\n" + run.log_tail(name))
        return all(line in run.log_tail(name, 5) for name, line in
                   (("simulated-shopify", "SimulatedShopify listening on"), ("simulated-marketplaces", "SimulatedEtsyEbayTikTok listening")))
    wait_until("the simulators", 60, ready, 0.2)


# --------------------------------------------------------------------------------------------
# Etsy, eBay and TikTok Shop through the deployed HTTP API: a connect link from the integrator API
# opened by the signed-in merchant (authorize -> the marketplace's consent -> callback), and for
# eBay and TikTok Shop a forged notification refused and a signed one acted on at once.
# --------------------------------------------------------------------------------------------

# A revocation's event is published by the delivery itself: seconds, not the next planner pass a minute later.
REVOCATION_EVENT_WAIT = 30


def marketplace_steps(run, steps):
    steps.run("Etsy: connect link -> /authorize -> consent with PKCE S256 -> /callback/etsy -> connected; a token, rotated",
              lambda: etsy_connect(run))
    run.revocation_reasons = {}
    steps.run("eBay: endpoint validation; connect (RuName, Identity API); forged revocation 412; signed 204 -> NEEDS_REAUTHORIZATION",
              lambda: ebay_steps(run))
    steps.run("TikTok Shop: connect by service id; forged deauthorization 401; signed 200 -> NEEDS_REAUTHORIZATION",
              lambda: tiktok_steps(run))
    steps.run("The two revocations' events on the bus (each published within its delivery); no ERROR logs, no app secret logged",
              lambda: revocation_events(run))


def marketplaces_control(run, method, path):
    return control(run.marketplaces_control, method, path)


def token_calls(run, marketplace, grant):
    return marketplaces_control(run, "GET", f"/token-calls?marketplace={marketplace}&grant={grant}")["calls"]


def connect_by_link(run, link_body, consent_url, decision, connected, connection, token_pattern, code_grant):
    """A connect link for MARKETPLACES_MERCHANT, opened signed in: /authorize -> consent -> decision -> callback -> `connected`;
    then `connection` ACTIVE with its token sealed (nothing matches `token_pattern`), after one code exchange."""
    link = run.api.call("POST", f"/v1/merchants/{MARKETPLACES_MERCHANT}/connect-links", link_body)
    check(link.status == 201 and (link.json or {}).get("url", "").startswith(run.base + "/authorize?link="), f"connect link: {link}")
    cookie = session_cookie(run, MARKETPLACES_MERCHANT)
    authorize = request("GET", link.json["url"], headers={"Cookie": cookie})
    binding = authorize.cookie(BINDING_COOKIE)
    check(authorize.status == 302 and (authorize.location or "").startswith(consent_url + "?") and binding,
          f"the connect link, signed in: {authorize}")
    page = request("GET", authorize.location)
    check(page.status == 200, f"the consent page: {page}")
    answer = request("POST", consent_url, form={**hidden_fields(page.body), **decision})
    check(answer.status == 302 and (answer.location or "").startswith(f"{run.base}/callback/"), f"the consent's answer: {answer}")
    result = request("GET", answer.location, headers={"Cookie": f"{cookie}; {BINDING_COOKIE}={binding}"})
    check(result.status == 200 and connected in result.body, f"{answer.location.split('?')[0]}: {result}")
    marketplace = link_body["app"]
    connected_item(run, connection, marketplace, token_pattern)
    check(token_calls(run, marketplace, code_grant) == 1, f"not exactly one code exchange at the simulated {marketplace}")
    return query_of(authorize.location), answer.location.split("?")[0]


def connected_item(run, connection, app, token_pattern):
    item = connection_item(run, connection)
    check(item.get("status", {}).get("S") == "ACTIVE" and item.get("merchantId", {}).get("S") == MARKETPLACES_MERCHANT
          and item.get("app", {}).get("S") == app and "token" in item,
          f"{connection}: status {item.get('status')}, merchant {item.get('merchantId')}, app {item.get('app')}, token stored: {'token' in item}")
    check(not re.search(token_pattern, repr(item)), f"{connection}'s item holds a token in plain text")
    return item


def etsy_connect(run):
    etsy_token = ETSY_USER + r"\.[A-Za-z0-9_-]{20,}"
    consent, callback = connect_by_link(run, {"app": ETSY_APP}, f"{run.etsy_base}/oauth/connect",
                                        {"user_id": ETSY_USER, "decision": "approve"}, "Your Etsy account is connected",
                                        ETSY_CONNECTION, etsy_token, "authorization_code")
    check(consent.get("code_challenge_method") == "S256" and consent.get("code_challenge") and consent.get("client_id") == ETSY_KEYSTRING
          and consent.get("redirect_uri") == callback and "code_verifier" not in consent,
          f"Etsy's consent URL: {sorted(consent)}, method {consent.get('code_challenge_method')}")
    answer, grants, before = access_token_alone(run, ETSY_CONNECTION, lambda: token_calls(run, "etsy", "refresh_token"))
    token = answer.json or {}
    check(answer.status == 200 and token.get("accessToken", "").startswith(ETSY_USER + ".") and token.get("marketplace") == "etsy"
          and token.get("accountId") == ETSY_USER, f"Etsy access token: {answer.status}, fields {sorted(token)}")
    check(grants == 1, f"{grants} refresh grants behind the Etsy token, expected 1")
    after = connected_item(run, ETSY_CONNECTION, ETSY_APP, etsy_token)
    check(after.get("token") != before.get("token"), "the stored Etsy refresh token did not change: Etsy rotates it on every refresh")
    return (f"connect link {{\"app\":\"{ETSY_APP}\"}} -> /authorize -> {run.etsy_base}/oauth/connect (code_challenge_method=S256, "
            f"no verifier in the URL) -> Allow access as user {ETSY_USER} -> {callback} -> \"Your Etsy account is connected\"\n"
            f"DynamoDB: {ETSY_CONNECTION} ACTIVE, app {ETSY_APP}, token sealed; 1 code exchange\n"
            f"GET {token_path(ETSY_CONNECTION)} -> 200 {ETSY_USER}.…; 1 refresh grant, the sealed refresh token replaced")


def refused_then_acted_on(run, connection, forged, signed, resend):
    """A forged delivery (control path, expected answer) refused with the connection unchanged, then a
    signed one (control path, expected answer; sent again through `resend`, the marketplace's retry,
    if it got no answer in the simulator's time) turning the connection NEEDS_REAUTHORIZATION at once,
    its event on the bus within seconds (published by the delivery, not by the next planner pass).
    Its reason code."""
    refused = marketplaces_control(run, "POST", forged[0])
    for _ in range(4):
        # 503 (or no answer in the simulator's time): the function could not reach the marketplace's key
        # service yet, a cold start on a loaded machine; the sender delivers again, as the marketplace does.
        if refused.get("status") not in (0, 503):
            break
        time.sleep(2)
        refused = marketplaces_control(run, "POST", forged[0])
    check(refused.get("status") == forged[1], f"a forged delivery ({forged[0]}): answered {refused.get('status')}, not {forged[1]}")
    unchanged_after_forgery(run, connection)
    delivery = marketplaces_control(run, "POST", signed[0])
    if delivery.get("status") == 0:
        delivery = marketplaces_control(run, "POST", f"{resend}?id={delivery['notificationId']}")
    check(delivery.get("status") == signed[1], f"the signed delivery ({signed[0]}): answered {delivery.get('status')}, not {signed[1]}")
    run.revocation_reasons[connection] = needs_reauthorization_at_once(run, connection)
    run.read_events(REVOCATION_EVENT_WAIT, lambda _: run.events_of("Connection Needs Reauthorization", connection))
    return run.revocation_reasons[connection]


def needs_reauthorization_at_once(run, connection):
    """The connection as the delivery left it: NEEDS_REAUTHORIZATION, the token route 409; its reason code."""
    item = connection_item(run, connection)
    check(item.get("status", {}).get("S") == "NEEDS_REAUTHORIZATION", f"{connection} after the notification: {item.get('status')}")
    refused = run.api.call("GET", token_path(connection))
    check(refused.status == 409 and (refused.json or {}).get("error") == "needs_reauthorization", f"token route: {refused}")
    return (refused.json or {}).get("reasonCode")


def revocation_events(run):
    """The events of the two revocations, each read right after its delivery: a marketplace's revocation
    publishes its event within the delivery (the merchant alert waits its group window, as any does)."""
    connections = (EBAY_CONNECTION, TIKTOK_CONNECTION)
    run.read_events(REVOCATION_EVENT_WAIT, lambda _: all(run.events_of("Connection Needs Reauthorization", c) for c in connections))
    reasons = []
    for connection in connections:
        event = run.events_of("Connection Needs Reauthorization", connection)[0]
        detail = event["detail"]
        check(detail.get("status") == "NEEDS_REAUTHORIZATION" and detail.get("merchantId") == MARKETPLACES_MERCHANT
              and detail.get("reason", {}).get("code") == run.revocation_reasons[connection], f"the event of {connection}: {detail}")
        run.check_schema(event)
        reasons.append(f"{connection} ({detail['reason']['code']})")
    for name in ("notifications", "authorize", "callback", "access-token", "connections-api"):
        output = run.function_output(name)
        errors = [line[:300] for line in output.splitlines() if '"level":"ERROR"' in line]
        check(not errors, f"{name} logged errors:\n" + "\n".join(errors[:5]))
        check(run.app_secrets[TIKTOK_APP] not in output and run.app_secrets[EBAY_APP] not in output,
              f"{name} logged an app secret")
    return (f"Connection Needs Reauthorization for {' and '.join(reasons)}, each with the token route's reason, valid against "
            f"{EVENT_SCHEMA}\nno ERROR log line and no app secret in notifications, authorize, callback, access-token, connections-api")


def unchanged_after_forgery(run, connection):
    # A sweep check may rotate the token meanwhile; what a forged notification would change is the status.
    after = connection_item(run, connection)
    check(after.get("status", {}).get("S") == "ACTIVE" and "token" in after,
          f"{connection} after a forged notification: status {after.get('status')}, token kept: {'token' in after}")


def ebay_steps(run):
    webhook = f"{run.base}/notifications/{EBAY_APP}"
    validated = marketplaces_control(run, "POST", "/ebay/validate")
    check(validated.get("valid") is True, f"eBay's endpoint validation of {webhook}: {validated}")
    consent, callback = connect_by_link(run, {"app": EBAY_APP}, f"{run.ebay_base}/auth.ebay.com/oauth2/authorize",
                                        {"user": EBAY_USERNAME, "decision": "approve"}, "Your eBay account is connected",
                                        EBAY_CONNECTION, r"v\^1\.1#|#t\^", "authorization_code")
    check(consent.get("redirect_uri") == EBAY_RUNAME and consent.get("client_id") == EBAY_CLIENT_ID
          and "commerce.identity.readonly" in consent.get("scope", ""), f"eBay's consent URL: {consent}")

    reason = refused_then_acted_on(run, EBAY_CONNECTION, (f"/ebay/forged-revocation?user={EBAY_USER_ID}", 412),
                                   (f"/ebay/revoke?user={EBAY_USER_ID}&reason=REVOKED_BY_USER", 204), "/ebay/resend")
    return (f"GET {webhook}?challenge_code=… answered with the challenge hash\n"
            f"connect link {{\"app\":\"{EBAY_APP}\"}} -> /authorize -> eBay's consent (redirect_uri = RuName {EBAY_RUNAME}) -> "
            f"Agree as {EBAY_USERNAME} -> {callback} -> connected; {EBAY_CONNECTION} ACTIVE (userId from the Identity API)\n"
            f"forged AUTHORIZATION_REVOCATION -> 412, connection unchanged; signed (X-EBAY-SIGNATURE, ECDSA) -> 204; "
            f"{EBAY_CONNECTION} NEEDS_REAUTHORIZATION ({reason}) at once, token route 409")


def tiktok_steps(run):
    consent, callback = connect_by_link(run, {"app": TIKTOK_APP, "region": "WW"}, f"{run.tiktok_base}/open/authorize",
                                        {"seller": TIKTOK_SELLER, "days": "365", "decision": "approve"},
                                        "Your TikTok Shop account is connected", TIKTOK_CONNECTION, r"TTP_", "authorized_code")
    check(consent.get("service_id") == TIKTOK_SERVICE_ID and consent.get("state"), f"TikTok's authorize URL: {consent}")

    reason = refused_then_acted_on(run, TIKTOK_CONNECTION, (f"/tiktok/forged-deauthorization?seller={TIKTOK_SELLER}", 401),
                                   (f"/tiktok/deauthorize?seller={TIKTOK_SELLER}", 200), "/tiktok/resend")
    return (f"connect link {{\"app\":\"{TIKTOK_APP}\",\"region\":\"WW\"}} -> /authorize -> TikTok's authorize page "
            f"(service_id {TIKTOK_SERVICE_ID}) -> Authorize as {TIKTOK_SELLER} -> {callback} -> connected; "
            f"{TIKTOK_CONNECTION} ACTIVE (GET token call, 200 with code 0)\n"
            f"forged SELLER_DEAUTHORIZATION -> 401, connection unchanged; signed (HMAC-SHA256 of app key + body) -> 200; "
            f"{TIKTOK_CONNECTION} NEEDS_REAUTHORIZATION ({reason}) at once, token route 409")


if __name__ == "__main__":
    sys.exit(main())
