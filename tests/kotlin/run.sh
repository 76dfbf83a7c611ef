#!/usr/bin/env bash
# Kotlin/JVM suite: kotlinc (npm kotlin-compiler) + Debian JNA/JUnit4, against the built .so.
#  1. generated bindings + WalletFlowsTest.kt (flows, biometrics, clear data) + TransactionsTest.kt
#     + SafetyAdviceTest.kt (environment policy, rehearsal, activity) and ConnectionsTest.kt (dapps,
#     clipboard), both run by WalletFlowsTest's main
#     + HardwareKeyTest.kt (the security-key factor; its own main) + SecondFactorTest.kt (TOTP,
#     recovery codes, the app-verified code; its own main);
#  2. the Android glue (android/src/main/kotlin) compiled against Robolectric's android-all,
#     with AndroidGlueTest.kt running its platform-neutral parts and ShellFlowsTest.kt running
#     the shell's view models (LogoutFlow, UnlockFlow, ClearDataFlow) against the real core.
#  (The sample Activities run under Robolectric in tests/robolectric/run.sh.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tests/kotlin/build.sh"   # SO, CP, RUNCP, JAR, AJAR, ANDROID_ALL
LOG1=$(mktemp); LOG2=$(mktemp); LOG3=$(mktemp); LOG4=$(mktemp); LOG5=$(mktemp)   # private logs: other checkouts may run this suite at the same time
trap 'rm -f "$LOG1" "$LOG2" "$LOG3" "$LOG4" "$LOG5"' EXIT
set +e
java -Djna.library.path="$(dirname "$SO")" -cp "$RUNCP" WalletFlowsTestKt | tee "$LOG1"
rc1=${PIPESTATUS[0]}
java -Djna.library.path="$(dirname "$SO")" -cp "$RUNCP" HardwareKeyTestKt | tee "$LOG3"
rc3=${PIPESTATUS[0]}
java -Djna.library.path="$(dirname "$SO")" -cp "$RUNCP" SecondFactorTestKt | tee "$LOG4"
rc4=${PIPESTATUS[0]}
java -Djna.library.path="$(dirname "$SO")" -cp "$AJAR:$RUNCP:$ANDROID_ALL" AndroidGlueTestKt | tee "$LOG2"
rc2=${PIPESTATUS[0]}
java -Djna.library.path="$(dirname "$SO")" -cp "$AJAR:$RUNCP:$ANDROID_ALL" ShellFlowsTestKt | tee "$LOG5"
rc5=${PIPESTATUS[0]}
set -e
sum() { grep -Eho "[0-9]+ $1" "$LOG1" "$LOG2" "$LOG3" "$LOG4" "$LOG5" | awk '{s+=$1} END {print s+0}'; }
echo "kotlin: $(sum passed) passed, $(sum failed) failed"
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$rc3" -eq 0 ] && [ "$rc4" -eq 0 ] && [ "$rc5" -eq 0 ]
