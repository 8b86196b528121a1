"""Aggregates `jfr print` output of jdk.ExecutionSample events (see infra/jfr-top)."""
import re
import sys
from collections import Counter

FRAME = re.compile(r"^\s+([\w$.]+)\.([\w$<>]+)\(.*\)\s+line:")
JDK = ("java.", "javax.", "jdk.", "sun.", "com.sun.")
LIBRARIES = [
    ("dev.authkeeper.", None),
    ("software.amazon.awssdk.", "AWS SDK"),
    ("io.netty.", "Netty"),
    ("io.vertx.", "Vert.x"),
    ("org.jboss.resteasy.reactive.", "REST client (RESTEasy Reactive)"),
    ("io.quarkus.rest.client.", "REST client (RESTEasy Reactive)"),
    ("io.smallrye.mutiny.", "Mutiny"),
    ("com.fasterxml.jackson.", "Jackson"),
    ("org.jboss.logmanager.", "logging"),
    ("org.jboss.logging.", "logging"),
    ("io.quarkus.", "Quarkus"),
    ("io.smallrye.", "SmallRye"),
    ("org.junit.", "JUnit"),
]


def events(path):
    """Yields each event's lines."""
    event = []
    with open(path) as lines:
        for line in lines:
            if re.match(r"^jdk\.\w+ \{", line):
                event = []
            elif line.startswith("}"):
                yield event
            else:
                event.append(line)


def frames(event):
    return [(m.group(1), m.group(2)) for m in map(FRAME.match, event) if m]


def library(cls):
    for prefix, name in LIBRARIES:
        if cls.startswith(prefix):
            if name is None:  # AuthKeeper: by feature package
                return "AuthKeeper " + ".".join(cls.split(".")[2:3])
            return name
    return "JDK" if cls.startswith(JDK) else cls.rsplit(".", 1)[0]


def charged(stack):
    """The library of the first frame outside the JDK (the JDK's own threads, e.g. the virtual-thread scheduler, stay JDK)."""
    for cls, _ in stack:
        if not cls.startswith(JDK):
            return library(cls)
    return "JDK"


def table(title, counter, total, unit, limit=20):
    print(f"\n{title}")
    print(f"| {'what':<90} | {unit:>12} | share |")
    print(f"|{'-' * 92}|{'-' * 14}:|------:|")
    for what, n in counter.most_common(limit):
        print(f"| {what:<90} | {n:>12,.0f} | {100 * n / total:4.1f} % |")


def main(samples_path):
    top, charged_to, inclusive = Counter(), Counter(), Counter()
    total = 0
    for event in events(samples_path):
        stack = frames(event)
        if not stack:
            continue
        total += 1
        cls, method = stack[0]
        top[f"{cls}.{method}"] += 1
        charged_to[charged(stack)] += 1
        for feature in {library(c) for c, _ in stack if c.startswith("dev.authkeeper.")}:
            inclusive[feature] += 1
    print(f"CPU samples (jdk.ExecutionSample every 10 ms): {total:,}")
    table("Each sample charged to the first frame outside the JDK", charged_to, total, "samples")
    table("AuthKeeper packages anywhere on the stack (inclusive)", inclusive, total, "samples")
    table("Top frames", top, total, "samples", 25)



if __name__ == "__main__":
    main(sys.argv[1])
