"""The monthly cost model of docs/operating/costs.md ("What it costs per month"), computed from the calls the
benchmark measured (target/benchmark/sweep-cost.json, the run with 64 checks in flight).

    python3 infra/cost_model.py [target/benchmark/sweep-cost.json] [--write docs/operating/costs.md]

Every assumption is a named constant below; list prices are us-east-1 as docs/operating/costs.md states them.
"""
import json
import math
import os
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
LWA_SECONDS = 0.4                     # LWA's answer in production (the benchmark's simulator: 0.1 s)
MEMORY_GB = 0.5                       # native build, arm64 (template: 512 MB)
VCPU_SHARE = 512 / 1769               # Lambda gives a full vCPU at 1,769 MB
INVOCATION_OVERHEAD_S = 1.0           # per worker or planner invocation: start (init is billed), bookkeeping, delivery
BRANCH_KEYS = 13                      # a year in: monthly rotation, tokens stay under their key until re-authorized
CHANGE_SHARE = 0.02                   # connections with a status change (alert + event) a month
EVENTS_PER_CHANGE = 2                 # needs reauthorization, then reconnected
API_REQUESTS_PER_CHANGE = 3           # reauthorize link, consent return, callback
TEMPLATE = open(os.path.join(os.path.dirname(__file__), "..", "template.yaml")).read()
# every alarm but the one that exists only while nobody receives operator alerts
ALARMS = TEMPLATE.count("Type: AWS::CloudWatch::Alarm") - 1
# EmbeddedMetrics.ALARMED (the rest are log fields unless DetailedMetrics=true) + the template's metric filters
METRICS = 4 + TEMPLATE.count("Type: AWS::Logs::MetricFilter")
LOG_KB_PER_INVOCATION = 5             # platform START/END/REPORT, summary and EMF lines
ITEM_KB = 2.0                         # per connection: item, its checks and byMerchant index entries, a few history entries
COLD_STARTS_SHARE = 0.5               # worker invocations that read the app secret at start


def is_read(kind):
    return kind.split()[0] in ("GetItem", "Query", "Scan", "BatchGetItem")


def measured(path):
    runs = json.load(open(path))
    run = next(r for r in runs if r["name"] == "64 in flight")
    worker = {k: v for k, v in run["capacity"].items()}
    for kind, use in run["plannerCapacity"].items():
        w = worker[kind]
        worker[kind] = {"calls": w["calls"] - use["calls"], "units": w["units"] - use["units"]}

    def billed(use, kind):  # DynamoDB Local reports 0 for a read that finds nothing; AWS bills at least half a unit
        return max(use["units"], 0.5 * use["calls"]) if is_read(kind) else use["units"]

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
        "run": run,
        "rcu_per_check": worker["Query checks"]["units"] / checks,
        "claim_wru": per_claim_wru,
        "unit": per_unit,
        "planner": planner,
        "cpu_ms": (run["sweepCpuMs"] - run["idleCpuMs"] - run.get("jitMs", 0)) / checks,
    }


def month(n, m):
    checks = n * DAYS
    units = SLOTS * SHARDS * DAYS
    per_unit = n / (SLOTS * SHARDS)
    pages = units * max(1, math.ceil(per_unit / PAGE))
    c = {}
    # DynamoDB
    rru = checks * m["rcu_per_check"] + units * m["unit"]["r"] + PLANNER_RUNS * m["planner"]["r"]
    wru = pages * m["claim_wru"] + units * m["unit"]["w"] + PLANNER_RUNS * m["planner"]["w"]
    changes = n * CHANGE_SHARE
    wru += changes * 8  # a status change: item, history, alert and event in one transaction (2× for transactions), re-entering later
    c["DynamoDB reads"] = (rru * DDB_RRU, f"{rru / 1e6:,.2f} M RRU")
    c["DynamoDB writes"] = (wru * DDB_WRU, f"{wru / 1e6:,.2f} M WRU")
    gb = n * ITEM_KB / 1024 / 1024
    c["DynamoDB storage + PITR"] = (gb * (DDB_STORAGE_GB + DDB_PITR_GB), f"{gb:,.2f} GB")
    # KMS: each worker invocation unwraps every branch key its unit's tokens name (the 10-minute cache does not outlive the 15 minutes between runs)
    decrypts = units * min(BRANCH_KEYS, max(1, per_unit))
    c["KMS requests"] = (max(0, decrypts - KMS_FREE) * KMS_REQUEST, f"{decrypts:,.0f} Decrypt ({decrypts / checks:.4f} per check)")
    c["KMS key"] = (KMS_KEY, "1 key ($2–3 after its first rotations)")
    # Lambda: a worker is billed for its wall time; a check takes LWA's latency / in flight, or its CPU / the vCPU share, whichever is longer
    per_check_s = max(LWA_SECONDS / IN_FLIGHT, m["cpu_ms"] / 1000 / VCPU_SHARE)
    gb_s = MEMORY_GB * (checks * per_check_s + (units + PLANNER_RUNS) * INVOCATION_OVERHEAD_S)
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
    c["CloudWatch alarms, metrics, logs"] = (ALARMS * CW_ALARM + METRICS * CW_METRIC + logs_gb * LOGS_GB,
                                             f"{ALARMS} alarms, {METRICS} metrics, {logs_gb:,.2f} GB logs")
    c["Secrets Manager"] = (SECRET + units * COLD_STARTS_SHARE * SECRET_CALL, "1 secret")
    return c


def table(m):
    sizes = [10_000, 1_000_000, 10_000_000]
    months = [month(n, m) for n in sizes]
    lines = ["| per month | " + " | ".join(f"{n:,} connections" for n in sizes) + " |",
             "|---|" + "---:|" * len(sizes),
             "| checks | " + " | ".join(f"{n * DAYS:,}" for n in sizes) + " |"]
    for item in months[0]:
        lines.append(f"| {item} | " + " | ".join(f"${c[item][0]:,.2f} ({c[item][1]})" for c in months) + " |")
    totals = [sum(v[0] for v in c.values()) for c in months]
    lines.append("| **total** | " + " | ".join(f"**${t:,.2f}**" for t in totals) + " |")
    lines.append("| **per million connections** | " + " | ".join(f"**${t / (n / 1e6):,.2f}**" for t, n in zip(totals, sizes)) + " |")
    fixed = ALARMS * CW_ALARM + METRICS * CW_METRIC + KMS_KEY + SECRET
    marginal = (totals[2] - totals[1]) / 9
    return "\n".join(lines), fixed, marginal, totals


def main():
    args = [a for a in sys.argv[1:] if a.endswith(".json")]
    path = args[0] if args else "target/benchmark/sweep-cost.json"
    m = measured(path)
    text, fixed, marginal, totals = table(m)
    run = m["run"]
    summary = (f"Measured inputs ({path}, run \"64 in flight\", {run['checked']:,} checks): "
               f"{m['cpu_ms']:.3f} ms of the sweep's CPU per check; {m['rcu_per_check']:.4f} read units of the checks index per check; "
               f"{m['claim_wru']:.1f} write unit per page claimed; per worker invocation {m['unit']['r']:.1f} read and "
               f"{m['unit']['w']:.1f} write units besides its pages; per planner run {m['planner']['r']:.1f} read and "
               f"{m['planner']['w']:.1f} write units.\n\n"
               f"Fixed: ${fixed:,.2f} a month whatever the size (alarms, custom metrics, the key, the secret); "
               f"each further million connections adds ${marginal:,.2f}.")
    out = "<!-- cost-model:start -->\n" + summary + "\n\n" + text + "\n<!-- cost-model:end -->"
    if "--write" in sys.argv:
        readme = sys.argv[sys.argv.index("--write") + 1]
        content = open(readme).read()
        start, end = content.index("<!-- cost-model:start -->"), content.index("<!-- cost-model:end -->") + len("<!-- cost-model:end -->")
        open(readme, "w").write(content[:start] + out + content[end:])
    print(out)


if __name__ == "__main__":
    main()
