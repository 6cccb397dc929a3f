#!/usr/bin/env python3
"""Writes a synthetic `sf project deploy validate --json` result for the `gate deploy-result`
benchmark: N test methods (1 % failing, with stack traces) and M coverage entries with their
uncovered lines, in the lenient shapes real CLI output has (numbers as strings and numbers).

    python3 benches/gen_deploy_result.py OUT.json [--tests 50000] [--classes 10000]
"""
import argparse
import json
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--tests", type=int, default=50_000)
    ap.add_argument("--classes", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    successes, failures = [], []
    for i in range(a.tests):
        cls = f"Team{i % 50:02d}Feature{i // 20:05d}Test"
        method = f"test{i % 20:02d}Behaviour{i}"
        t = f"{rnd.randint(1, 900)}.0"
        if i % 100 == 0:
            failures.append({
                "id": f"01p{i:012d}", "message": f"System.AssertException: Assertion Failed: Expected: {i}, Actual: {i + 1}",
                "methodName": method, "name": cls, "namespace": None, "packageName": cls,
                "stackTrace": f"Class.Team{i % 50:02d}Service.run: line {rnd.randint(1, 400)}, column 1\nClass.{cls}.{method}: line {rnd.randint(1, 200)}, column 1",
                "time": t, "type": "Class",
            })
        else:
            successes.append({"id": f"01p{i:012d}", "methodName": method, "name": cls, "namespace": None,
                              "time": t if i % 2 else int(float(t))})
    coverage = []
    for c in range(a.classes):
        total = rnd.randint(10, 400)
        uncovered = sorted(rnd.sample(range(1, total * 2), rnd.randint(0, min(total, 30))))
        locs = [{"column": "0", "line": str(l), "numExecutions": "0", "time": "-1.0"} for l in uncovered]
        coverage.append({
            "id": f"01p{c:012d}", "name": f"Team{c % 50:02d}Class{c:05d}", "namespace": None,
            "type": "Trigger" if c % 25 == 0 else "Class",
            "numLocations": str(total) if c % 2 else total,
            "numLocationsNotCovered": len(uncovered),
            "locationsNotCovered": locs[0] if len(locs) == 1 else locs,
        })
    doc = {
        "status": 1,
        "result": {
            "checkOnly": True, "done": True, "id": "0Af000000000BENCH", "status": "Failed", "success": False,
            "numberComponentsTotal": a.classes, "numberComponentErrors": 0,
            "numberTestsTotal": a.tests, "numberTestErrors": len(failures),
            "details": {
                "componentFailures": [],
                "runTestResult": {
                    "numTestsRun": str(a.tests), "numFailures": len(failures), "totalTime": "123456.0",
                    "successes": successes, "failures": failures,
                    "codeCoverage": coverage, "codeCoverageWarnings": [],
                    "flowCoverage": [], "flowCoverageWarnings": [],
                },
            },
            "files": [],
        },
        "warnings": [],
    }
    with open(a.out, "w") as f:
        json.dump(doc, f, indent=2)


if __name__ == "__main__":
    main()
