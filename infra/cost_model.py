"""The monthly cost model of docs/operating/costs.md ("What it costs per month", "A mix of marketplaces"), computed
from the calls the benchmark measured, as recorded in infra/cost-inputs.json.

    python3 infra/cost_model.py --record          the benchmark's figures (target/benchmark/sweep-cost.json, the run
                                                  with 64 checks in flight, and sweep-cost-{marketplace}.json of
                                                  `infra/benchmark --marketplaces`) into infra/cost-inputs.json
    python3 infra/cost_model.py [--write FILE]... the tables, into every marked block of each FILE
                                                  (docs/operating/costs.md, BENCHMARKS.md)
    python3 infra/cost_model.py --check FILE...   exits 1 if a marked block of a FILE is not what the model computes

Every assumption is a named constant below; list prices are us-east-1 as docs/operating/costs.md states them.
"""
import functools
import glob
import json
import math
import os
import re
import sys

# ---- list prices (us-east-1) ----
LAMBDA_REQUEST = 0.20e-6
LAMBDA_GB_S_ARM = 0.0000133334
DDB_WRU = 0.625e-6
DDB_RRU = 0.125e-6
DDB_STORAGE_GB = 0.25
DDB_PITR_GB = 0.20
KMS_REQUEST = 0.03 / 10_000
KMS_FREE = 20_000
KMS_KEY = 1.00
SQS_REQUEST = 0.40e-6
SQS_FREE = 1_000_000
SNS_PUBLISH = 0.50e-6
SNS_EMAIL = 2.00 / 100_000
EVENTS_PUT = 1.00e-6
CW_ALARM = 0.10
CW_METRIC = 0.30
LOGS_GB = 0.50 + 0.03  # ingested, and a month stored
SECRET = 0.40
SECRET_CALL = 0.05 / 10_000
API_REQUEST = 1.00e-6

# ---- deployment and workload assumptions ----
DAYS = 30
SLOTS, SHARDS = 96, 4                 # authkeeper.sweep.slots / .shards defaults
PLANNER_RUNS = DAYS * 24 * 4          # rate(15 minutes)
PAGE = 100                            # authkeeper.sweep.page-size
IN_FLIGHT = 64                        # authkeeper.sweep.concurrency
MEMORY_GB = 0.5                       # native build, arm64 (template: 512 MB)
VCPU_SHARE = 512 / 1769               # Lambda gives a full vCPU at 1,769 MB
INVOCATION_OVERHEAD_S = 1.0           # per worker or planner invocation: start (init is billed), bookkeeping, delivery
BRANCH_KEYS = 13                      # a year in: monthly rotation, tokens stay under their key until re-authorized
CHANGE_SHARE = 0.02                   # connections with a status change (alert + event) a month
EVENTS_PER_CHANGE = 2                 # needs reauthorization, then reconnected
API_REQUESTS_PER_CHANGE = 3           # reauthorize link, consent return, callback
MARKETPLACE_SECONDS = {             # a token call, in production; none is measured here (the simulators answer in 0.1 s)
    "amazon": 0.4, "shopify": 0.4, "etsy": 0.4, "ebay": 0.4, "tiktok": 0.4}
NAMES = {"amazon": "Amazon", "shopify": "Shopify", "etsy": "Etsy", "ebay": "eBay", "tiktok": "TikTok Shop"}
HERE = os.path.dirname(os.path.abspath(__file__))
INPUTS = os.path.join(HERE, "cost-inputs.json")
TEMPLATE = open(os.path.join(HERE, "..", "template.yaml")).read()
# every alarm but the one that exists only while nobody receives operator alerts
ALARMS = TEMPLATE.count("Type: AWS::CloudWatch::Alarm") - 1
# alarms that watch one marketplace's metric: they would exist for that marketplace only (none today)
MARKETPLACE_ALARMS = {m: len(re.findall(r"Type: AWS::CloudWatch::Alarm(?:(?!\n  \S).)*?\{Name: Marketplace, Value: " + m + r"\}",
                                         TEMPLATE, re.S)) for m in NAMES}
COMMON_ALARMS = ALARMS - sum(MARKETPLACE_ALARMS.values())
EMBEDDED_METRICS = open(os.path.join(HERE, "..", "src", "main", "java", "dev", "authkeeper", "metrics", "EmbeddedMetrics.java")).read()
# EmbeddedMetrics.ALARMED, each published with the one dimension Service (the rest are log fields unless DetailedMetrics=true),
# + the template's metric filters
METRICS = len(re.findall(r'"\w+"', re.search(r"ALARMED = Set\.of\(([^)]*)\)", EMBEDDED_METRICS).group(1))) \
    + TEMPLATE.count("Type: AWS::Logs::MetricFilter")
LOG_KB_PER_INVOCATION = 5             # platform START/END/REPORT, summary and EMF lines
ITEM_KB = 2.0                         # per connection: item, its checks and byMerchant index entries, a few history entries
COLD_STARTS_SHARE = 0.5               # worker invocations that read the app secret at start


def check_every_days(marketplace):
    """Days between two checks of a connection: the facts file's sweep.checkEvery (P1D to P30D)."""
    return int(re.fullmatch(r"P(\d+)D", facts(marketplace)["sweep"]["checkEvery"]).group(1))


def checks_a_month(marketplace, connections):
    return connections * DAYS / check_every_days(marketplace)


def is_read(kind):
    return kind.split()[0] in ("GetItem", "Query", "Scan", "BatchGetItem")


OVERHEAD = ("GUARD#", "INCIDENT#", "SWEEP#", "RUN#", "BRANCH_KEY#", "Query due", "Query pendingAlerts", "Query table")


def billed(use, kind):  # DynamoDB Local reports 0 for a read that finds nothing; AWS bills at least half a unit
    return max(use["units"], 0.5 * use["calls"]) if is_read(kind) else use["units"]


def base_inputs(path):
    """What every check and every worker and planner invocation costs, from the Amazon run of `infra/benchmark`."""
    runs = json.load(open(path))
    run = next(r for r in runs if r["name"] == "64 in flight")
    worker = {k: v for k, v in run["capacity"].items()}
    for kind, use in run["plannerCapacity"].items():
        w = worker[kind]
        worker[kind] = {"calls": w["calls"] - use["calls"], "units": w["units"] - use["units"]}

    units, checks = run["units"], run["checked"]
    claims = worker["UpdateItem SWEEP#"]
    lap_writes = 2 * units  # a lap started and finished per unit
    per_claim_wru = claims["units"] / claims["calls"]
    per_unit = {"r": 0.0, "w": 0.0}
    for kind, use in worker.items():
        if kind in ("Query checks", "UpdateItem SWEEP#") or use["calls"] <= 0:
            continue
        per_unit["r" if is_read(kind) else "w"] += billed(use, kind) / units
    per_unit["w"] += lap_writes * per_claim_wru / units
    planner = {"r": 0.0, "w": 0.0}
    for kind, use in run["plannerCapacity"].items():
        planner["r" if is_read(kind) else "w"] += billed(use, kind)
    return {
        "source": f"{path}, run \"64 in flight\", {checks:,} checks",
        "rcu_per_check": round(worker["Query checks"]["units"] / checks, 4),
        "claim_wru": round(per_claim_wru, 2),
        "unit": {k: round(v, 2) for k, v in per_unit.items()},
        "planner": {k: round(v, 2) for k, v in planner.items()},
        "cpu_ms": round((run["sweepCpuMs"] - run["idleCpuMs"] - run.get("jitMs", 0)) / checks, 3),
    }


def marketplace_inputs(path):
    """What one check of a marketplace costs beyond a worker's own bookkeeping, from `infra/benchmark --marketplaces`."""
    figures = json.load(open(path))
    run = next(r for r in figures["runs"] if r["name"] == "64 in flight")
    checks = run["checked"]
    check = {kind: use for kind, use in run["capacity"].items() if not any(o in kind for o in OVERHEAD)}
    reads = sum(billed(use, kind) for kind, use in check.items() if is_read(kind))
    writes = sum(use["units"] for kind, use in check.items() if not is_read(kind))
    sizes = figures["sizes"]
    return {
        "source": f"{os.path.basename(path)}, run \"64 in flight\", {checks:,} checks",
        "token_calls": round(run["tokenCalls"] / checks, 3),
        "probes": round(run["probeCalls"] / checks, 3),
        "check_rru": round(reads / checks, 4),
        "check_wru": round(writes / checks, 4),
        "connection_writes": round(run["connectionWrites"] / checks, 3),
        "kms_per_check": round(sum(n for call, n in run["awsCalls"].items() if call.startswith("Kms.")) / checks, 4),
        "cpu_ms": round((run["sweepCpuMs"] - run["idleCpuMs"] - run.get("jitMs", 0)) / checks, 3),
        "item_bytes": [sizes["itemMedian"], sizes["itemMax"]],
        "index_bytes": [sizes["indexMedian"], sizes["indexMax"]],
    }


def record():
    inputs = json.load(open(INPUTS)) if os.path.exists(INPUTS) else {"marketplaces": {}}
    if os.path.exists("target/benchmark/sweep-cost.json"):
        inputs["base"] = base_inputs("target/benchmark/sweep-cost.json")
    for path in sorted(glob.glob("target/benchmark/sweep-cost-*.json")):
        marketplace = os.path.basename(path)[len("sweep-cost-"):-len(".json")]
        inputs["marketplaces"][marketplace] = marketplace_inputs(path)
    with open(INPUTS, "w") as out:
        json.dump(inputs, out, indent=2)
        out.write("\n")
    print(f"recorded {INPUTS}: base from {inputs['base']['source']}; " + ", ".join(inputs["marketplaces"]))


def check_inputs(inputs, marketplace):
    """Per check of a marketplace: reads and writes of its own (beyond the page claims), calls, CPU; Amazon's base if unmeasured."""
    base = inputs["base"]
    measured = inputs["marketplaces"].get(marketplace)
    if measured is None:
        return {"check_rru": base["rcu_per_check"], "check_wru": 0.0, "calls": 1.0, "cpu_ms": base["cpu_ms"], "extra_kb": 0.0}
    amazon = inputs["marketplaces"].get("amazon", measured)
    extra = (sum(measured["item_bytes"][:1] + measured["index_bytes"][:1]) - sum(amazon["item_bytes"][:1] + amazon["index_bytes"][:1])) / 1024
    return {"check_rru": measured["check_rru"], "check_wru": measured["check_wru"], "calls": measured["token_calls"] + measured["probes"],
            "cpu_ms": measured["cpu_ms"], "extra_kb": extra}


def month(mix, inputs):
    """What a month costs with {marketplace: connections}, each marketplace with one app."""
    base = inputs["base"]
    n = sum(mix.values())
    checks = sum(checks_a_month(m, k) for m, k in mix.items())
    units = SLOTS * SHARDS * DAYS
    per_unit = n / (SLOTS * SHARDS)
    pages = units * max(1, math.ceil(per_unit / PAGE))
    per = {m: check_inputs(inputs, m) for m in mix}
    c = {}
    # DynamoDB
    # every connection is read from the checks index each round, checked or not; only those checked write and call
    rru = sum(k * DAYS * base["rcu_per_check"] + checks_a_month(m, k) * max(0.0, per[m]["check_rru"] - base["rcu_per_check"])
              for m, k in mix.items()) + units * base["unit"]["r"] + PLANNER_RUNS * base["planner"]["r"]
    wru = pages * base["claim_wru"] + units * base["unit"]["w"] + PLANNER_RUNS * base["planner"]["w"]
    wru += sum(checks_a_month(m, k) * per[m]["check_wru"] for m, k in mix.items())  # a rotated refresh token: the item and its index entries
    changes = n * CHANGE_SHARE
    wru += changes * 8  # a status change: item, history, alert and event in one transaction (2× for transactions), re-entering later
    c["DynamoDB reads"] = (rru * DDB_RRU, f"{rru / 1e6:,.2f} M RRU")
    c["DynamoDB writes"] = (wru * DDB_WRU, f"{wru / 1e6:,.2f} M WRU")
    gb = sum(k * (ITEM_KB + per[m]["extra_kb"]) for m, k in mix.items()) / 1024 / 1024
    c["DynamoDB storage + PITR"] = (gb * (DDB_STORAGE_GB + DDB_PITR_GB), f"{gb:,.2f} GB")
    # KMS: each worker invocation unwraps every branch key its unit's tokens name (the 10-minute cache does not outlive the 15 minutes between runs)
    decrypts = units * min(BRANCH_KEYS, max(1, per_unit))
    c["KMS requests"] = (max(0, decrypts - KMS_FREE) * KMS_REQUEST, f"{decrypts:,.0f} Decrypt ({decrypts / checks:.4f} per check)")
    c["KMS key"] = (KMS_KEY, "1 key ($2–3 after its first rotations)")
    # Lambda: a worker is billed for its wall time; a check takes its marketplace calls' latency / in flight, or its CPU / the vCPU
    # share, whichever is longer
    check_s = sum(checks_a_month(m, k) * max(per[m]["calls"] * MARKETPLACE_SECONDS[m] / IN_FLIGHT, per[m]["cpu_ms"] / 1000 / VCPU_SHARE)
                  for m, k in mix.items())
    gb_s = MEMORY_GB * (check_s + (units + PLANNER_RUNS) * INVOCATION_OVERHEAD_S)
    c["Lambda planner + workers"] = (gb_s * LAMBDA_GB_S_ARM + (units + PLANNER_RUNS) * LAMBDA_REQUEST,
                                     f"{gb_s:,.0f} GB-s, {units + PLANNER_RUNS:,} invocations")
    # SQS: a message per unit (sent 10 to a batch, received, deleted), and the event source mapping's empty long polls (5 pollers, 20 s)
    sqs = units / 10 + 2 * units + 5 * 3 * 60 * 24 * DAYS
    c["SQS"] = (max(0, sqs - SQS_FREE) * SQS_REQUEST, f"{sqs / 1e6:,.2f} M requests (1 M free)")
    c["SNS alerts, e-mailed"] = (changes * (SNS_PUBLISH + SNS_EMAIL), f"{changes:,.0f} alerts")
    c["EventBridge events"] = (changes * EVENTS_PER_CHANGE * EVENTS_PUT, f"{changes * EVENTS_PER_CHANGE:,.0f} events")
    api = changes * API_REQUESTS_PER_CHANGE
    c["API Gateway + HTTP functions"] = (api * (API_REQUEST + LAMBDA_REQUEST) + api * 0.2 * 0.25 * LAMBDA_GB_S_ARM, f"{api:,.0f} requests")
    logs_gb = ((units + PLANNER_RUNS) * LOG_KB_PER_INVOCATION + checks / 1000 * 0.5) / 1024 / 1024
    alarms = COMMON_ALARMS + sum(MARKETPLACE_ALARMS[m] for m in mix)
    c["CloudWatch alarms, metrics, logs"] = (alarms * CW_ALARM + METRICS * CW_METRIC + logs_gb * LOGS_GB,
                                             f"{alarms} alarms, {METRICS} metrics, {logs_gb:,.2f} GB logs")
    secrets = len(mix)
    c["Secrets Manager"] = (secrets * SECRET + units * COLD_STARTS_SHARE * SECRET_CALL,
                            f"{secrets} secret{'s' if secrets > 1 else ''} (one per app)")
    return c


def total(mix, inputs):
    return sum(v[0] for v in month(mix, inputs).values())


def fixed(marketplaces):
    """What a deployment costs a month whatever its size: alarms, custom metrics, the key, a secret per app."""
    return (COMMON_ALARMS + sum(MARKETPLACE_ALARMS[m] for m in marketplaces)) * CW_ALARM + METRICS * CW_METRIC + KMS_KEY \
        + len(marketplaces) * SECRET


def own_fixed(marketplace):
    """What one more marketplace (its app) adds a month whatever its size: its client secret and its own alarms."""
    return SECRET + MARKETPLACE_ALARMS[marketplace] * CW_ALARM


def marginal(marketplace, inputs):
    """What each further million connections of the marketplace adds a month."""
    return total({marketplace: 2_000_000}, inputs) - total({marketplace: 1_000_000}, inputs)


def table(inputs):
    sizes = [10_000, 1_000_000, 10_000_000]
    months = [month({"amazon": n}, inputs) for n in sizes]
    lines = ["| per month | " + " | ".join(f"{n:,} connections" for n in sizes) + " |",
             "|---|" + "---:|" * len(sizes),
             "| checks | " + " | ".join(f"{n * DAYS:,}" for n in sizes) + " |"]
    for item in months[0]:
        lines.append(f"| {item} | " + " | ".join(f"${c[item][0]:,.2f} ({c[item][1]})" for c in months) + " |")
    totals = [sum(v[0] for v in c.values()) for c in months]
    lines.append("| **total** | " + " | ".join(f"**${t:,.2f}**" for t in totals) + " |")
    lines.append("| **per million connections** | " + " | ".join(f"**${t / (n / 1e6):,.2f}**" for t, n in zip(totals, sizes)) + " |")
    return "\n".join(lines), fixed(["amazon"]), (totals[2] - totals[1]) / 9


MIXES = [
    ("Amazon only", {"amazon": 1.0}),
    ("Shopify only", {"shopify": 1.0}),
    ("Etsy only", {"etsy": 1.0}),
    ("eBay only", {"ebay": 1.0}),
    ("TikTok Shop only", {"tiktok": 1.0}),
    ("a fifth each", {m: 0.2 for m in NAMES}),
    ("Amazon 40 %, Shopify 30 %, Etsy, eBay and TikTok Shop 10 % each",
     {"amazon": 0.4, "shopify": 0.3, "etsy": 0.1, "ebay": 0.1, "tiktok": 0.1}),
    ("Amazon and eBay, half each", {"amazon": 0.5, "ebay": 0.5}),
]
ROTATING = ("shopify", "etsy", "tiktok")


def mix_block(inputs):
    measured = [m for m in NAMES if m in inputs["marketplaces"]]
    lines = ["Per marketplace, from `infra/benchmark --marketplaces` (infra/cost-inputs.json): what each further million of its "
             "connections adds a month, checked as often as its facts file says (`sweep.checkEvery`), and what its app adds whatever its size.", "",
             "| marketplace | a check | checked every | write units per check | read units per check | each further million connections | "
             "fixed, its own (its app's secret, its own alarms) |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for m in measured:
        i = inputs["marketplaces"][m]
        what = (f"{i['token_calls']:g} token call" + ("s" if i["token_calls"] != 1 else "")
                + (f" + {i['probes']:g} probe" if i["probes"] else "")
                + (", rotates the refresh token: 1 write of the item" if i["connection_writes"] >= 0.5 else ", no write"))
        every = check_every_days(m)
        lines.append(f"| {NAMES[m]} | {what} | {every} day{'s' if every > 1 else ''} | {i['check_wru']:.2f} | {i['check_rru']:.3f} | "
                     f"${marginal(m, inputs):,.2f} | "
                     f"${own_fixed(m):,.2f} |")
    lines += ["", f"Fixed for every deployment: ${fixed([]):,.2f} a month ({COMMON_ALARMS} alarms, {METRICS} custom metrics, the key); "
              "each marketplace configured adds its own fixed cost above.", "",
              "| 1,000,000 connections a month, one app per marketplace | total | at or under $10? |", "|---|---:|---|"]
    for name, shares in MIXES:
        if all(m in inputs["marketplaces"] for m in shares):
            t = total({m: round(share * 1_000_000) for m, share in shares.items()}, inputs)
            lines.append(f"| {name} | ${t:,.2f} | {'yes' if t <= 10 else '**no**'} |")
    if all(m in inputs["marketplaces"] for m in ("amazon",) + ROTATING):
        lines += ["", break_even(inputs)]
    return "\n".join(lines)


def break_even(inputs):
    """The share of connections whose refresh tokens rotate at which a million connections cost $10, the rest Amazon's."""
    cheapest = min(ROTATING, key=lambda m: marginal(m, inputs))
    amazon = total({"amazon": 1_000_000}, inputs)
    if amazon > 10:
        return (f"No mix of one million connections stays at or under $10: Amazon's alone cost ${amazon:,.2f}, of which "
                f"${fixed(['amazon']):,.2f} is fixed; every connection of a marketplace whose refresh tokens rotate "
                f"(Shopify, Etsy, TikTok Shop) adds a DynamoDB write at each of its checks. From "
                f"{crossing(inputs):,.0f} Amazon connections on, Amazon's fall under $10 a million.")
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        t = total({"amazon": round((1 - mid) * 1e6), cheapest: round(mid * 1e6)}, inputs)
        lo, hi = (mid, hi) if t <= 10 else (lo, mid)
    return f"With Amazon's, at most {lo:.1%} of a million connections may be {NAMES[cheapest]}'s for $10."


def crossing(inputs):
    """The number of Amazon connections from which their cost per million is at or under $10."""
    lo, hi = 1_000_000, 100_000_000
    while hi - lo > 1_000:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if total({"amazon": mid}, inputs) / (mid / 1e6) <= 10 else (mid, hi)
    return hi


@functools.cache  # read once: the model's totals are computed many times over (break-even and crossing searches)
def facts(marketplace):
    return json.load(open(os.path.join(HERE, "..", "src", "main", "resources", "marketplaces", marketplace + ".json")))


# The quotas (by their name in the facts files) that a check draws on: a refresh grant, a request of the app's, a shop's
# GraphQL points; the others (eBay's authorization_code and client_credentials grants) are for connects and notifications.
CHECK_QUOTAS = ("lwa", "refreshGrants", "apiDaily", "adminGraphql")
PERIODS = {"PT1S": "a second", "P1D": "a day"}
SCOPES = {"app": "per app", "account": "per account", "unknown": "scope unknown"}


def quota_block(inputs):
    lines = ["| marketplace | a check | checked every | AWS cost per million checks (a further million connections a month ÷ its checks) "
             "| the quota a check draws on (facts file) | connections one app keeps checked inside it |", "|---|---|---:|---:|---|---|"]
    for m in NAMES:
        if m not in inputs["marketplaces"]:
            continue
        i = inputs["marketplaces"][m]
        quotas = {name: q for name, q in facts(m)["quotas"].items() if name in CHECK_QUOTAS}
        words = "; ".join(f"`{name}`: {q['limit']:,.0f} {PERIODS.get(q['per'], 'per ' + q['per'])}, {SCOPES[q['scope']]} ({q['words']})"
                          for name, q in quotas.items()) or "none published (unconfirmed)"
        every = check_every_days(m)
        daily = [q["limit"] * (86400 / iso_seconds(q["per"])) / (i["token_calls"] + i["probes"]) * every
                 for q in quotas.values() if q["scope"] == "app"]
        cadence = "a check a day" if every == 1 else f"a check every {every} days"
        bound = (f"**{min(daily):,.0f}** ({cadence} using the whole quota; less what your "
                 "product's own calls use)" if daily
                 else "no app-wide bound: the quota is per shop" if any(q["scope"] == "account" for q in quotas.values())
                 else "none published")
        what = f"{i['token_calls']:g} token call" + (f", {i['probes']:g} probe" if i["probes"] else "") \
            + (", 1 write" if i["connection_writes"] >= 0.5 else ", no write")
        lines.append(f"| {NAMES[m]} | {what} | {every} day{'s' if every > 1 else ''} | ${marginal(m, inputs) / (DAYS / every):,.2f} "
                     f"| {words} | {bound} |")
    return "\n".join(lines)


def iso_seconds(period):
    match = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", period)
    d, h, mi, se = (int(g or 0) for g in match.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + se


def blocks(inputs):
    text, fixed_amazon, marginal_amazon = table(inputs)
    base = inputs["base"]
    summary = (f"Measured inputs (infra/cost-inputs.json, from {base['source']}): "
               f"{base['cpu_ms']:.3f} ms of the sweep's CPU per check; {base['rcu_per_check']:.4f} read units of the checks index per check; "
               f"{base['claim_wru']:.1f} write unit per page claimed; per worker invocation {base['unit']['r']:.1f} read and "
               f"{base['unit']['w']:.1f} write units besides its pages; per planner run {base['planner']['r']:.1f} read and "
               f"{base['planner']['w']:.1f} write units.\n\n"
               f"Fixed: ${fixed_amazon:,.2f} a month whatever the size (alarms, custom metrics, the key, the secret); "
               f"each further million connections adds ${marginal_amazon:,.2f}.")
    return {"cost-model": summary + "\n\n" + text, "cost-mix": mix_block(inputs), "marketplace-dollars": quota_block(inputs)}


def replaced(content, outputs):
    for name, body in outputs.items():
        start_marker, end_marker = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start_marker in content:
            start, end = content.index(start_marker), content.index(end_marker) + len(end_marker)
            content = content[:start] + start_marker + "\n" + body + "\n" + end_marker + content[end:]
    return content


def main():
    args = sys.argv[1:]
    if "--record" in args:
        record()
        return
    outputs = blocks(json.load(open(INPUTS)))
    stale = []
    for flag, path in zip(args, args[1:]):
        if flag not in ("--write", "--check"):
            continue
        content = open(path).read()
        updated = replaced(content, outputs)
        if flag == "--write":
            open(path, "w").write(updated)
        elif updated != content:
            stale.append(path)
    if stale:
        sys.exit("not what infra/cost_model.py computes from infra/cost-inputs.json: " + ", ".join(stale)
                 + "; run python3 infra/cost_model.py --write FILE")
    if "--check" not in args:
        for name, body in outputs.items():
            print(f"<!-- {name} -->\n{body}\n")


if __name__ == "__main__":
    main()
