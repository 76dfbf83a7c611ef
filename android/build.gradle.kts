// Android library module: the generated UniFFI bindings (io.imwallet) + the platform glue in
// src/main/kotlin/io/imwallet/android. Not built on the project machines (no Android SDK or
// Gradle distribution there): tests/kotlin/run.sh compiles the same sources with kotlinc
// against Robolectric's android-all jar and runs their platform-neutral parts on the JVM.
plugins {
    id("com.android.library")
    kotlin("android")
}

android {
    namespace = "io.imwallet.android"
    compileSdk = 34
    defaultConfig { minSdk = 28 }  // android.hardware.biometrics.BiometricPrompt
    sourceSets["main"].java.srcDirs("src/main/kotlin", "../target/bindings/kotlin")
    sourceSets["main"].jniLibs.srcDirs("jniLibs")  // libimwallet_ffi.so per ABI (cargo-ndk)
}

dependencies {
    implementation("net.java.dev.jna:jna:5.13.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.8.1")
}
