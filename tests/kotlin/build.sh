# Sourced by tests/kotlin/run.sh and tests/robolectric/run.sh (with ROOT set): installs the
# toolchain, builds the library and its bindings, and compiles (when a source changed)
#   $JAR  = the generated bindings + WalletFlowsTest.kt (and the fakes it defines) +
#           HardwareKeyTest.kt + TransactionsTest.kt + SecondFactorTest.kt + SafetyAdviceTest.kt +
#           ConnectionsTest.kt;
#   $AJAR = the Android glue and the shell's flows (android/src/main/kotlin) against android-all,
#           + AndroidGlueTest.kt + ShellFlowsTest.kt.
# Sets SO, KH, ANDROID_ALL, CP (compile classpath), RUNCP (run classpath), JAR, AJAR.
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
srcs=$(find "$ROOT/target/bindings/kotlin" -name '*.kt'; echo "$ROOT/tests/kotlin/WalletFlowsTest.kt" "$ROOT/tests/kotlin/HardwareKeyTest.kt" "$ROOT/tests/kotlin/TransactionsTest.kt" "$ROOT/tests/kotlin/SecondFactorTest.kt" "$ROOT/tests/kotlin/SafetyAdviceTest.kt" "$ROOT/tests/kotlin/ConnectionsTest.kt")
if [ ! -f "$JAR" ] || [ -n "$(find $srcs -newer "$JAR" 2>/dev/null)" ]; then
  "$KH/bin/kotlinc" -nowarn -cp "$CP" -d "$JAR" $srcs >&2
fi
asrcs=$(find "$ROOT/android/src/main/kotlin" -name '*.kt'; echo "$ROOT/tests/kotlin/AndroidGlueTest.kt" "$ROOT/tests/kotlin/ShellFlowsTest.kt")
if [ ! -f "$AJAR" ] || [ "$JAR" -nt "$AJAR" ] || [ -n "$(find $asrcs -newer "$AJAR" 2>/dev/null)" ]; then
  "$KH/bin/kotlinc" -nowarn -cp "$CP:$JAR:$ANDROID_ALL" -d "$AJAR" $asrcs >&2
fi
RUNCP="$JAR:$KH/lib/kotlin-stdlib.jar:$CP"
