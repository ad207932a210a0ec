#!/usr/bin/env python3
"""The BKS/UBER oracle: BouncyCastle (tests/java/BksDump) against `ksdoctor inspect` and
`ksdoctor convert --to bks`.

  bks_oracle.py CLI JAVA CLASSPATH PKI_DIR WORK_DIR SEED COUNT

BksGen makes COUNT stores (fixed SEED). For each store:
  * with the right passwords, ksdoctor lists what BouncyCastle lists: aliases in the same order,
    kinds, creation dates, chain certificates (SHA-256);
  * with a wrong store password both refuse it; for BKS BouncyCastle says "KeyStore integrity check
    failed." and so does ksdoctor (exit 2, one line on stderr, WRONG_PASSWORD);
  * a copy with one byte changed: where BouncyCastle loads it ksdoctor lists the same, where it
    refuses it ksdoctor exits 2 with one line;
  * `ksdoctor convert --to bks` writes a store BouncyCastle reads back identically (same aliases,
    kinds, dates, chains, and keys that decrypt to the same encoding, or fail the same way).
Then JKS, JCEKS and PKCS#12 fixtures converted into BKS and UBER must hold for BouncyCastle what
the JVM sees in them, and `repair --in-place` of a leaf-only BKS/UBER store must leave
BouncyCastle the full chain and the same key.
Passwords go through the environment, never argv.
"""
import datetime
import json
import os
import random
import subprocess
import sys

cli, java, classpath, pki, work, seed, count = sys.argv[1:8]
failures = []


def fail(where, why):
    failures.append(f"{where}: {why}")


def bc_dump(rows):
    """rows: (path, type, storepass, keypass) -> BouncyCastle's JSON per row."""
    text = "".join("\t".join(r) + "\n" for r in rows)
    out = subprocess.run([java, "-cp", classpath, "BksDump"], input=text.encode(),
                         capture_output=True, check=True).stdout.decode()
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def ksdoctor(args, storepass, keypass=None):
    env = dict(os.environ, KS_STOREPASS=storepass, KS_KEYPASS=keypass or storepass)
    argv = [cli] + args + ["--storepass-env", "KS_STOREPASS", "--keypass-env", "KS_KEYPASS"]
    return subprocess.run(argv, capture_output=True, env=env)


def millis(rfc3339):
    t = datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%S.%fZ")
    return int(round(t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000))


def listing(where, bc, run):
    """ksdoctor inspect's JSON must list what BouncyCastle lists."""
    if run.returncode not in (0, 1):
        fail(where, f"ksdoctor exit {run.returncode} but BouncyCastle loads it: {run.stderr!r}")
        return
    ks = json.loads(run.stdout)
    if ks["format"] != bc["type"]:
        fail(where, f"format {ks['format']} != {bc['type']}")
    mine = [(e["alias"], e["kind"], millis(e["created"]), [c["sha256"] for c in e["chain"]])
            for e in ks["entries"]]
    theirs = [(e["alias"], e["kind"], e["created"], e["chain"]) for e in bc["entries"]]
    if mine != theirs:
        fail(where, f"ksdoctor lists {mine}\n  BouncyCastle lists {theirs}")


def refusal(where, run):
    err = run.stderr.decode()
    if run.returncode != 2 or err.count("\n") != 1 or not err.endswith("\n") or run.stdout:
        fail(where, f"expected exit 2 and one line on stderr, got {run.returncode} {err!r}")
    return err


def main():
    os.makedirs(work, exist_ok=True)
    stores = os.path.join(work, "stores")
    manifest = subprocess.run([java, "-cp", classpath, "BksGen", seed, count, pki, stores],
                              capture_output=True, check=True).stdout.decode()
    rows = [tuple(line.split("\t")) for line in manifest.splitlines() if line]
    rnd = random.Random(int(seed))

    # Right passwords.
    for row, bc in zip(rows, bc_dump(rows)):
        path, kind, storepass, keypass = row
        if "error" in bc:
            fail(path, f"BouncyCastle refuses its own store: {bc['error']}")
            continue
        listing(path, bc, ksdoctor(["inspect", path, "--format", "json"], storepass, keypass))

    # A wrong store password.
    wrong = [(p, t, "not-" + s, k) for p, t, s, k in rows]
    for row, bc in zip(wrong, bc_dump(wrong)):
        path, kind = row[0], row[1]
        where = path + " [wrong password]"
        if "error" not in bc:
            fail(where, "BouncyCastle opens it with a wrong password; the case is wrong")
            continue
        err = refusal(where, ksdoctor(["inspect", path, "--format", "json"], row[2], row[3]))
        if kind == "BKS" and bc["error_class"] == "integrity" and \
                "KeyStore integrity check failed." not in err:
            fail(where, f"BouncyCastle: {bc['error']}; ksdoctor: {err!r}")

    # One byte changed.
    damaged = []
    for path, kind, storepass, keypass in rows:
        data = bytearray(open(path, "rb").read())
        at = rnd.randrange(len(data))
        data[at] ^= 1 << rnd.randrange(8)
        copy = path + ".damaged"
        open(copy, "wb").write(bytes(data))
        damaged.append((copy, kind, storepass, keypass))
    for row, bc in zip(damaged, bc_dump(damaged)):
        run = ksdoctor(["inspect", row[0], "--format", "json"], row[2], row[3])
        if "error" in bc:
            refusal(row[0], run)
        else:
            listing(row[0], bc, run)

    # convert --to bks, read back by BouncyCastle.
    converted = []
    for path, kind, storepass, keypass in rows:
        out = path + ".converted.bks"
        run = ksdoctor(["convert", path, "--to", "bks", "--out", out], storepass, keypass)
        if run.returncode != 0:
            fail(path, f"convert --to bks: exit {run.returncode} {run.stderr!r}")
            continue
        converted.append(((path, kind, storepass, keypass), (out, "BKS", storepass, keypass)))
    before = bc_dump([c[0] for c in converted])
    after = bc_dump([c[1] for c in converted])
    for (src, dst), b, a in zip(converted, before, after):
        b = {k: v for k, v in b.items() if k not in ("file", "type")}
        a = {k: v for k, v in a.items() if k not in ("file", "type")}
        if a != b:
            fail(dst[0], f"BouncyCastle reads back\n  {a}\n  instead of\n  {b}")

    # Java's formats into BKS and UBER: BouncyCastle sees what the JVM sees in the source.
    fixtures = os.path.join(os.path.dirname(pki), "")
    java_sources = ["jks/server-fullchain.jks", "jks/unicode-alias.jks", "jceks/secretkeys.jceks",
                    "pkcs12/java-fullchain.p12", "pkcs12/java-secretkeys.p12"]
    for rel in java_sources:
        src = os.path.join(fixtures, rel)
        if not os.path.exists(src):
            fail(src, "fixture missing")
            continue
        jvm = subprocess.run([java, "-cp", classpath, "KeyStoreDump"],
                             input=f"{src}\tchangeit\tchangeit\n".encode(), capture_output=True,
                             check=True).stdout.decode()
        jvm = json.loads(jvm)
        for kind in ("BKS", "UBER"):
            out = os.path.join(work, os.path.basename(rel) + "." + kind.lower())
            run = ksdoctor(["convert", src, "--to", kind.lower(), "--out", out], "changeit")
            if run.returncode != 0:
                fail(src, f"convert --to {kind}: exit {run.returncode} {run.stderr!r}")
                continue
            bc = bc_dump([(out, kind, "changeit", "changeit")])[0]
            # PKCS#12 dates no trusted certificate: the JVM reports its load time.
            keep = ("alias", "kind", "chain", "key", "key_algorithm") + \
                (() if rel.endswith(".p12") else ("created",))
            # The order is BouncyCastle's Hashtable's, not the source format's: compare by alias.
            want = sorted(({k: e[k] for k in keep if k in e} for e in jvm.get("entries", [])),
                          key=lambda e: e["alias"])
            got = sorted(({k: e[k] for k in keep if k in e} for e in bc.get("entries", [])),
                         key=lambda e: e["alias"])
            if "error" in jvm or got != want:
                fail(out, f"BouncyCastle sees\n  {got}\n  the JVM sees in {rel}\n  {want}")

    # repair --in-place completes a leaf-only chain in BKS and UBER; BouncyCastle sees the result.
    leaf = os.path.join(fixtures, "jks/server-leafonly.jks")
    for kind in ("BKS", "UBER"):
        store = os.path.join(work, "leaf-only." + kind.lower())
        ksdoctor(["convert", leaf, "--to", kind.lower(), "--out", store], "changeit")
        before = bc_dump([(store, kind, "changeit", "changeit")])[0]
        run = ksdoctor(["repair", store, "--from", os.path.join(pki, "ca-chain.pem"), "--in-place"],
                       "changeit")
        after = bc_dump([(store, kind, "changeit", "changeit")])[0]
        chains = [len(e["chain"]) for e in after.get("entries", [])]
        keys = [(e["alias"], e.get("key")) for e in after.get("entries", [])]
        if run.returncode not in (0, 1) or chains != [3] or \
                keys != [(e["alias"], e.get("key")) for e in before.get("entries", [])]:
            fail(store, f"repair: exit {run.returncode} {run.stderr!r}; BouncyCastle sees {after}")

    print(f"{len(rows)} stores, {len(converted)} conversions, {len(java_sources)} Java stores "
          f"into BKS and UBER, {len(failures)} failure(s)")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


sys.exit(main())
