// The sample app (one Activity per moment on the flows of io.imwallet.android.flows). Not built
// on the project machines (no Android SDK or Gradle distribution there): tests/robolectric/run.sh
// compiles these sources with kotlinc against android-all and runs the Activities under
// Robolectric with a test Application.
plugins {
    id("com.android.application")
    kotlin("android")
}

android {
    namespace = "io.imwallet.sample"
    compileSdk = 34
    defaultConfig {
        applicationId = "io.imwallet.sample"
        minSdk = 28
        targetSdk = 34
    }
}

dependencies {
    implementation(project(":android"))
}
