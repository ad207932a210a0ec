#!/usr/bin/env bash
# doctor_trees: generated install trees (fixed seed) combining keystore placements, keystore
# defects, downstream peers and log incidents; `ksdoctor doctor` must find every planted problem
# and invent none (tests/doctor/gen_trees.py says what is planted, run_trees.py compares).
#
#   trees_test.sh KSDOCTOR SOURCE_DIR WORK_DIR [SEED COUNT]
set -eu
CLI=$1 SRC=$2 WORK=$3 SEED=${4:-20261201} COUNT=${5:-30}
export KSDOCTOR_STOREPASS=changeit PYTHONDONTWRITEBYTECODE=1
PY=${PYTHON3:-python3}
rm -rf "$WORK"
mkdir -p "$WORK"
# The keystore variants and PEM files, once (keytool + openssl); every tree copies one of them.
"$SRC/tests/doctor/make_stores.sh" "$WORK/stores"
"$PY" "$SRC/tests/doctor/gen_trees.py" "$WORK/stores" "$WORK/trees" --seed "$SEED" \
    --count "$COUNT" >"$WORK/trees.txt"
"$PY" "$SRC/tests/doctor/run_trees.py" "$CLI" "$WORK/trees"
