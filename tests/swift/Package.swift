// swift-tools-version:5.9
// SwiftPM package for the imwallet Swift bindings, built and tested on Linux (tests/swift/run.sh
// stages the generated ImWallet.swift, the C header/modulemap and libimwallet_ffi.so here).
import PackageDescription
import Foundation

let libDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("lib").path

let package = Package(
    name: "ImWallet",
    products: [.library(name: "ImWallet", targets: ["ImWallet"])],
    targets: [
        .systemLibrary(name: "ImWalletFFI", path: "Sources/ImWalletFFI"),
        .target(
            name: "ImWallet",
            dependencies: ["ImWalletFFI"],
            path: "Sources/ImWallet",
            linkerSettings: [
                .linkedLibrary("imwallet_ffi"),
                .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
        // Platform glue from ios/Sources/ImWalletIOS (its Apple-only parts compile out on Linux).
        .target(name: "ImWalletIOS", dependencies: ["ImWallet"], path: "Sources/ImWalletIOS"),
        // The SwiftUI screens from ios/Sources/ImWalletUI: every file is inside
        // `#if canImport(SwiftUI)`, so on Linux this checks that the guard compiles them out.
        .target(name: "ImWalletUI", dependencies: ["ImWallet", "ImWalletIOS"], path: "Sources/ImWalletUI"),
        .testTarget(name: "ImWalletTests", dependencies: ["ImWallet", "ImWalletIOS", "ImWalletUI"], path: "Tests/ImWalletTests"),
    ]
)
