#!/usr/bin/env python3
"""Generates DLP install trees with planted problems for `ksdoctor doctor` (tests/doctor/).

  gen_trees.py STORES_DIR OUT_DIR [--seed N] [--count N]

STORES_DIR is what tests/doctor/make_stores.sh built (good.ks, leafonly.ks, expired.ks,
peer-full.pem, peer-leaf.pem, bundle.pem). Each tree OUT_DIR/tNN/ holds:
  root/           a file system root for --root (Windows or Linux layout)
  expected.json   {"args": [doctor arguments after --root], "exit": 0|1,
                   "diagnosis": {CODE: [explained log codes, sorted]}, "story": "..."}

A tree combines, independently:
  placement  correct (where Protect.properties says) | misplaced (only in the program folder's
             Protect/keystore) | missing (nowhere)
  defect     none | leafonly (the key entry's chain is its leaf only) | expired (leaf expired
             before --at); irrelevant when the keystore is missing
  peer       none | full (mail.partner.example sends leaf + issuing CA) | leaf (leaf only: Java
             lacks Partner Issuing CA); given as --peer mail.partner.example=FILE or --peer FILE
  trust      --trust bundle.pem or not
  incidents  a random subset of the logs' incidents (fixtures/dlplogs.py), 2-6 relays each, with
             healthy relays around them, all between 2026-11-24 and 2026-11-30 (local, UTC-05:00)

The expected diagnosis (the contract of `doctor`; compared on error and warning codes):
  - KEYSTORE_MISPLACED / KEYSTORE_MISSING_AT_CONFIGURED_PATH explain the logs' KEYSTORE_NOT_LOADED,
    NO_TLS_NEGOTIATED, SSLENGINE_PROBLEM, NO_COMMON_CIPHER;
  - KEY_ENTRY_CHAIN_INCOMPLETE (leafonly), KEY_ENTRY_EXPIRED (expired) whenever a keystore opens
    (correct or misplaced: doctor checks the copy locate --fix would put in place);
  - DOWNSTREAM_CHAIN_UNTRUSTED for peer=leaf when a keystore opens: explains PEER_CHAIN_UNTRUSTED
    and, unless a keystore cause already does, SSLENGINE_PROBLEM (all downstream failures of these
    logs are to mail.partner.example);
  - every log code nothing explains appears as itself (UPSTREAM_LEGACY_TLS always does).
"""

import argparse
import datetime
import json
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "fixtures"))
from dlplogs import CODES, LogWriter  # noqa: E402

VERSIONS = ["15.8.00000", "16.0", "16.1.00000", "25.1"]
PARTNER = "mail.partner.example"
KEYSTORE_EXPLAINS = {"KEYSTORE_NOT_LOADED", "NO_TLS_NEGOTIATED", "SSLENGINE_PROBLEM",
                     "NO_COMMON_CIPHER"}
# Where each incident's relays go (upstream IP, downstream host); None: any of the usual ones.
HOSTS = {
    "keystore_npe": (None, None),
    "no_tls": (None, None),
    "sslengine": (None, PARTNER),
    "pkix": (None, PARTNER),
    "decode_error": ("10.1.2.3", None),
    "no_cipher": ("10.1.2.4", None),
}
UPSTREAM = ["10.1.2.10", "10.1.2.11", "10.1.2.12"]
DOWNSTREAM = ["smtp.example.net", "mx1.example.org"]


def layout(kind, version):
    """(program folder, data folder, properties value naming the keystore folder), relative to
    the root; the misplaced copy goes to <program>/Protect/keystore/prevent.ks."""
    if kind == "windows":
        program = "Program Files/Symantec/DataLossPrevention/DetectionServer/" + version
        data = "ProgramData/Symantec/DataLossPrevention/DetectionServer/" + version
        value = ("C:\\\\ProgramData\\\\Symantec\\\\DataLossPrevention\\\\DetectionServer\\\\%s"
                 "\\\\keystore" % version)
    else:
        program = "opt/Symantec/DataLossPrevention/DetectionServer/" + version
        data = "var/Symantec/DataLossPrevention/DetectionServer/" + version
        value = "/var/Symantec/DataLossPrevention/DetectionServer/%s/keystore" % version
    return program, data, value


def expected_diagnosis(placement, defect, peer, incidents):
    logs = {CODES[i][0] for i in incidents}
    diagnosis = {}
    explained = set()
    if placement in ("misplaced", "missing"):
        code = ("KEYSTORE_MISPLACED" if placement == "misplaced"
                else "KEYSTORE_MISSING_AT_CONFIGURED_PATH")
        diagnosis[code] = KEYSTORE_EXPLAINS & logs
        explained |= diagnosis[code]
    opened = placement != "missing"
    if opened and defect == "leafonly":
        diagnosis["KEY_ENTRY_CHAIN_INCOMPLETE"] = set()
    if opened and defect == "expired":
        diagnosis["KEY_ENTRY_EXPIRED"] = set()
    if opened and peer == "leaf":
        diagnosis["DOWNSTREAM_CHAIN_UNTRUSTED"] = ({"PEER_CHAIN_UNTRUSTED", "SSLENGINE_PROBLEM"}
                                                   & logs) - explained
        explained |= diagnosis["DOWNSTREAM_CHAIN_UNTRUSTED"]
    for code in logs - explained:
        diagnosis[code] = set()
    return {code: sorted(ex) for code, ex in diagnosis.items()}


def write_tree(tree_dir, rng, stores, index):
    root = os.path.join(tree_dir, "root")
    kind = "linux" if rng.random() < 0.2 else "windows"
    version = rng.choice(VERSIONS)
    placement = rng.choice(["correct", "correct", "misplaced", "missing"])
    defect = rng.choice(["none", "leafonly", "expired"])
    peer = rng.choice(["none", "full", "leaf"])
    peer_named = rng.random() < 0.7
    trust = rng.random() < 0.7
    incidents = sorted(i for i in CODES if rng.random() < 0.35)
    # The first trees are fixed combinations the random ones might miss.
    if index == 0:  # nothing wrong at all
        placement, defect, peer, incidents = "correct", "none", "full", []
    elif index == 1:  # the demo's story
        kind, placement, defect, peer = "windows", "misplaced", "leafonly", "leaf"
        peer_named, trust = True, True
        incidents = ["decode_error", "keystore_npe", "no_tls", "pkix", "sslengine"]
    elif index == 2:  # the downstream cause explains SSLEngine problems too
        placement, defect, peer, peer_named = "correct", "none", "leaf", False
        incidents = ["pkix", "sslengine"]
    elif index == 3:  # no keystore anywhere: peers cannot be judged; PKIX stays unexplained
        placement, defect, peer = "missing", "leafonly", "leaf"
        incidents = ["no_cipher", "pkix", "sslengine"]

    program, data, value = layout(kind, version)
    properties = os.path.join(root, program, "Protect", "config", "Protect.properties")
    os.makedirs(os.path.dirname(properties))
    eol = "\r\n" if kind == "windows" else "\n"
    with open(properties, "w", newline="") as f:
        f.write("# ksdoctor doctor test tree %d%s" % (index, eol))
        f.write("tls.keystore.directory = %s%s" % (value, eol))
    source = os.path.join(stores, {"none": "good", "leafonly": "leafonly",
                                   "expired": "expired"}[defect] + ".ks")
    configured_folder = os.path.join(root, data, "keystore")
    if placement == "correct":
        os.makedirs(configured_folder)
        shutil.copyfile(source, os.path.join(configured_folder, "prevent.ks"))
    elif placement == "misplaced":
        target = os.path.join(root, program, "Protect", "keystore", "prevent.ks")
        os.makedirs(os.path.dirname(target))
        shutil.copyfile(source, target)
        if rng.random() < 0.5:
            os.makedirs(configured_folder)  # the folder is there, empty
    # placement "missing": nothing anywhere

    # The logs: incidents in a shuffled order, healthy relays around them, 24-30 Nov 2026.
    writer = LogWriter(seed=rng.getrandbits(32))
    plan = []
    for incident in incidents:
        plan += [incident] * rng.randint(2, 6)
    plan += ["healthy"] * rng.randint(3, 10)
    rng.shuffle(plan)
    t = datetime.datetime(2026, 11, 24, 6, 0, 0) + datetime.timedelta(
        minutes=rng.randint(0, 600))
    step = datetime.timedelta(days=6) / (len(plan) + 1)
    for incident in plan:
        up, down = HOSTS.get(incident, (None, None))
        writer.relay(t, incident, up or rng.choice(UPSTREAM), down or rng.choice(DOWNSTREAM))
        t += step + datetime.timedelta(seconds=rng.randint(0, 300))
    writer.write(os.path.join(root, data, "logs"),
                 rp="no_tls" in incidents or rng.random() < 0.5,
                 crlf=kind == "windows" and rng.random() < 0.3)

    args = ["--no-network", "--format", "json", "--at", "2026-12-01T00:00:00Z"]
    if peer != "none":
        pem = os.path.join(stores, "peer-full.pem" if peer == "full" else "peer-leaf.pem")
        args += ["--peer", (PARTNER + "=" + pem) if peer_named else pem]
    if trust:
        args += ["--trust", os.path.join(stores, "bundle.pem")]
    diagnosis = expected_diagnosis(placement, defect, peer, incidents)
    story = ("%s %s, keystore %s, defect %s, peer %s%s, trust %s, incidents %s" % (
        kind, version, placement, defect, peer,
        (" (named)" if peer_named else " (bare)") if peer != "none" else "",
        "yes" if trust else "no", ",".join(incidents) or "-"))
    with open(os.path.join(tree_dir, "expected.json"), "w") as f:
        json.dump({"args": args, "exit": 1 if diagnosis else 0, "diagnosis": diagnosis,
                   "story": story}, f, indent=1, sort_keys=True)
    return story


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stores")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--count", type=int, default=30)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    for i in range(a.count):
        tree_dir = os.path.join(a.out, "t%02d" % i)
        os.makedirs(tree_dir)
        print("t%02d: %s" % (i, write_tree(tree_dir, rng, os.path.abspath(a.stores), i)))


if __name__ == "__main__":
    main()
