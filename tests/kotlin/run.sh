#!/usr/bin/env bash
# Kotlin/JVM suite: kotlinc (npm kotlin-compiler) + Debian JNA/JUnit4, against the built .so.
#  1. generated bindings + WalletFlowsTest.kt (flows, biometrics, clear data) + TransactionsTest.kt
#     + HardwareKeyTest.kt (the security-key factor; its own main) + ConnectionsTest.kt (dapps, clipboard);
#  2. the Android glue (android/src/main/kotlin) compiled against Robolectric's android-all,
#     with AndroidGlueTest.kt running its platform-neutral parts.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/tests/setup.sh" apt kotlin android >&2
SO=$("$ROOT/tests/bindings.sh")
CACHE=${IMW_CACHE:-/var/cache/imwallet}
KH=$CACHE/kotlinc-2.4.20
ANDROID_ALL=$(ls "$CACHE"/android-all-*.jar | head -1)
CP=/usr/share/java/jna.jar:/usr/share/java/junit4.jar:/usr/share/java/hamcrest.jar
CP=$CP:$KH/lib/kotlinx-coroutines-core-jvm.jar:$KH/lib/kotlin-test.jar:$KH/lib/kotlin-test-junit.jar
OUT=$ROOT/target/kotlin-tests
mkdir -p "$OUT"
JAR=$OUT/tests.jar
AJAR=$OUT/android-tests.jar
srcs=$(find "$ROOT/target/bindings/kotlin" -name '*.kt'; echo "$ROOT/tests/kotlin/WalletFlowsTest.kt" "$ROOT/tests/kotlin/HardwareKeyTest.kt" "$ROOT/tests/kotlin/TransactionsTest.kt" "$ROOT/tests/kotlin/ConnectionsTest.kt")
if [ ! -f "$JAR" ] || [ -n "$(find $srcs -newer "$JAR" 2>/dev/null)" ]; then
  "$KH/bin/kotlinc" -nowarn -cp "$CP" -d "$JAR" $srcs >&2
fi
asrcs=$(find "$ROOT/android/src/main/kotlin" -name '*.kt'; echo "$ROOT/tests/kotlin/AndroidGlueTest.kt")
if [ ! -f "$AJAR" ] || [ "$JAR" -nt "$AJAR" ] || [ -n "$(find $asrcs -newer "$AJAR" 2>/dev/null)" ]; then
  "$KH/bin/kotlinc" -nowarn -cp "$CP:$JAR:$ANDROID_ALL" -d "$AJAR" $asrcs >&2
fi
RUNCP="$JAR:$KH/lib/kotlin-stdlib.jar:$CP"
LOG1=$(mktemp); LOG2=$(mktemp); LOG3=$(mktemp)   # private logs: other checkouts may run this suite at the same time
trap 'rm -f "$LOG1" "$LOG2" "$LOG3"' EXIT
set +e
java -Djna.library.path="$(dirname "$SO")" -cp "$RUNCP" WalletFlowsTestKt | tee "$LOG1"
rc1=${PIPESTATUS[0]}
java -Djna.library.path="$(dirname "$SO")" -cp "$RUNCP" HardwareKeyTestKt | tee "$LOG3"
rc3=${PIPESTATUS[0]}
java -Djna.library.path="$(dirname "$SO")" -cp "$AJAR:$RUNCP:$ANDROID_ALL" AndroidGlueTestKt | tee "$LOG2"
rc2=${PIPESTATUS[0]}
set -e
sum() { grep -Eho "[0-9]+ $1" "$LOG1" "$LOG2" "$LOG3" | awk '{s+=$1} END {print s+0}'; }
echo "kotlin: $(sum passed) passed, $(sum failed) failed"
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$rc3" -eq 0 ]
