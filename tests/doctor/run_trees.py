#!/usr/bin/env python3
"""Runs `ksdoctor doctor` on every tree gen_trees.py wrote and compares with its expected.json.

  run_trees.py KSDOCTOR TREES_DIR

Per tree: `KSDOCTOR doctor --root TREE/root ARGS` (ARGS from expected.json; the store password
comes from KSDOCTOR_STOREPASS). Checked:
  - the exit status (1 when a problem is planted, else 0);
  - the set of error and warning diagnosis codes equals the planted set (every planted problem
    found, none invented; info entries are ignored), and each one's `explains` equals the planted
    set of log codes it explains;
  - the order: errors before warnings, and the causes in the order their fixes apply: the
    keystore's place, the key entry, the downstream side, then what only the logs show.
Exit 0 when every tree matches; otherwise each mismatch is printed and the exit status is 1.
"""

import json
import os
import subprocess
import sys

RANK = {
    "KEYSTORE_MISPLACED": 0,
    "KEYSTORE_MISSING_AT_CONFIGURED_PATH": 0,
    "KEY_ENTRY_CHAIN_INCOMPLETE": 1,
    "KEY_ENTRY_EXPIRED": 1,
    "DOWNSTREAM_CHAIN_UNTRUSTED": 2,
}
SEVERITY = {"error": 0, "warning": 1, "info": 2}


def check_tree(ksdoctor, tree):
    with open(os.path.join(tree, "expected.json")) as f:
        expected = json.load(f)
    argv = [ksdoctor, "doctor", "--root", os.path.join(tree, "root")] + expected["args"]
    run = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, timeout=300)
    problems = []
    if run.returncode != expected["exit"]:
        problems.append("exit status %d, expected %d (stderr: %s)" % (
            run.returncode, expected["exit"], run.stderr.decode(errors="replace").strip()))
    if run.returncode == 2:
        return problems
    try:
        doc = json.loads(run.stdout)
    except ValueError as e:
        return problems + ["stdout is not JSON: %s" % e]
    diagnosis = doc.get("diagnosis")
    if not isinstance(diagnosis, list):
        return problems + ["no diagnosis array"]
    actual = {}
    for p in diagnosis:
        if p.get("severity") not in ("error", "warning"):
            continue
        code = p.get("code")
        if code in actual:
            problems.append("%s listed twice" % code)
        actual[code] = sorted(p.get("explains") or [])
    planted = expected["diagnosis"]
    for code in sorted(set(planted) - set(actual)):
        problems.append("planted %s not found" % code)
    for code in sorted(set(actual) - set(planted)):
        problems.append("invented %s" % code)
    for code in sorted(set(planted) & set(actual)):
        if planted[code] != actual[code]:
            problems.append("%s explains %s, expected %s" % (code, actual[code], planted[code]))
    severities = [SEVERITY.get(p.get("severity"), 3) for p in diagnosis]
    if severities != sorted(severities):
        problems.append("not errors first: %s" % [p.get("severity") for p in diagnosis])
    ranks = [RANK.get(p.get("code"), 3) for p in diagnosis if p.get("severity") == "error"]
    if ranks != sorted(ranks):
        problems.append("causes out of order: %s" % [p.get("code") for p in diagnosis])
    return problems


def main():
    ksdoctor, trees = sys.argv[1], sys.argv[2]
    failed = 0
    names = sorted(n for n in os.listdir(trees)
                   if os.path.isfile(os.path.join(trees, n, "expected.json")))
    if not names:
        print("run_trees.py: no trees in %s" % trees)
        return 1
    for name in names:
        tree = os.path.join(trees, name)
        with open(os.path.join(tree, "expected.json")) as f:
            expected = json.load(f)
        problems = check_tree(ksdoctor, tree)
        status = "ok  " if not problems else "FAIL"
        print("%s %s: %s -> %s" % (status, name, expected["story"],
                                    sorted(expected["diagnosis"]) or "nothing"))
        for p in problems:
            print("       " + p)
        failed += bool(problems)
    print("%d of %d trees as planted" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
