#!/usr/bin/env bash
# Robolectric suite: the sample Activities (android/sample) on the JVM with Robolectric 4.14.1,
# offline, against the real core (JNA + the host library). Compiles with kotlinc against
# android-all (Kotlin cannot compile against the instrumented jars) and runs JUnit directly;
# Robolectric loads the instrumented android-all jars from the folder tests/setup.sh filled.
# Reuses the Kotlin suite's jars (tests/kotlin/build.sh): bindings, fakes, glue and flows.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tests/kotlin/build.sh"   # SO, CP, RUNCP, JAR, AJAR, ANDROID_ALL
"$ROOT/tests/setup.sh" robolectric >&2
ROBO=${IMW_CACHE:-/var/cache/imwallet}/robolectric-4.14.1
ROBOCP=$(find "$ROBO/lib" -name '*.jar' | sort | tr '\n' ':')
RJAR=$ROOT/target/kotlin-tests/robolectric-tests.jar
rsrcs=$(find "$ROOT/android/sample/src" "$ROOT/tests/robolectric" -name '*.kt')
if [ ! -f "$RJAR" ] || [ "$AJAR" -nt "$RJAR" ] || [ -n "$(find $rsrcs -newer "$RJAR" 2>/dev/null)" ]; then
  "$KH/bin/kotlinc" -nowarn -cp "$CP:$JAR:$AJAR:$ROBOCP$ANDROID_ALL" -d "$RJAR" $rsrcs >&2
fi
# The framework classes Robolectric's annotations name must be on the class path as well: the
# instrumented SDK 34 jar (the same one the sandbox runs).
SDK34=$(ls "$ROBO"/sdk/android-all-instrumented-14-*.jar)
LOG=$(mktemp)   # private log: other checkouts may run this suite at the same time
trap 'rm -f "$LOG"' EXIT
set +e
java -Drobolectric.offline=true -Drobolectric.dependency.dir="$ROBO/sdk" -Djna.library.path="$(dirname "$SO")" \
  -cp "$RJAR:$AJAR:$RUNCP:$ROBOCP$SDK34" io.imwallet.robolectric.ShellActivitiesTestKt 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
grep -q "^robolectric: " "$LOG" || echo "robolectric: 0 passed, 0 failed"
exit "$rc"
