#!/usr/bin/env bash
# Kotlin/JVM suite: kotlinc (npm kotlin-compiler) + Debian JNA/JUnit4, against the built .so.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/tests/setup.sh" apt kotlin >&2
SO=$("$ROOT/tests/bindings.sh")
KH=${IMW_CACHE:-/var/cache/imwallet}/kotlinc-2.4.20
CP=/usr/share/java/jna.jar:/usr/share/java/junit4.jar:/usr/share/java/hamcrest.jar
CP=$CP:$KH/lib/kotlinx-coroutines-core-jvm.jar:$KH/lib/kotlin-test.jar:$KH/lib/kotlin-test-junit.jar
OUT=$ROOT/target/kotlin-tests
mkdir -p "$OUT"
JAR=$OUT/tests.jar
srcs=$(find "$ROOT/target/bindings/kotlin" "$ROOT/tests/kotlin" -name '*.kt')
if [ ! -f "$JAR" ] || [ -n "$(find $srcs -newer "$JAR" 2>/dev/null)" ]; then
  "$KH/bin/kotlinc" -nowarn -cp "$CP" -d "$JAR" $srcs >&2
fi
java -Djna.library.path="$(dirname "$SO")" -cp "$JAR:$KH/lib/kotlin-stdlib.jar:$CP" WalletFlowsTestKt
