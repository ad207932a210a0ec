#!/bin/bash
# The Java TLS client defaults shipped in lib/probe/java_tls_data.inc must be what the local JVM
# enables (protocols, suites in order, groups, jdk.tls.disabledAlgorithms). A JDK update that
# changes them fails here: regenerate the file with tests/java/JavaTlsDefaults.java.
#   java_defaults_test.sh JAVA CLASSES SHIPPED_INC
set -u
JAVA=$1 CLASSES=$2 SHIPPED=$3
now=$("$JAVA" --add-opens java.base/sun.security.ssl=ALL-UNNAMED -cp "$CLASSES" JavaTlsDefaults) || {
  echo "FAIL: JavaTlsDefaults did not run"; exit 1; }
# The patch version alone may differ; everything Java decides with must not.
if ! diff -u <(grep -v '^KSDOCTOR_JAVA_VERSION' "$SHIPPED") <(grep -v '^KSDOCTOR_JAVA_VERSION' <<<"$now"); then
  echo "FAIL: the local JVM's TLS defaults differ from $SHIPPED (regenerate it)"
  exit 1
fi
echo "the local JVM ($(grep '^KSDOCTOR_JAVA_VERSION' <<<"$now")) agrees with $SHIPPED"
