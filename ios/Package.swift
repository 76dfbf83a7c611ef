// swift-tools-version:5.9
// iOS/macOS Swift package: the generated bindings (ImWallet, from target/bindings/swift), the
// platform glue (ImWalletIOS: Keychain + LocalAuthentication store, AsyncStream session, the three
// flows LogoutFlow / UnlockFlow / ClearDataFlow, lifecycle wiring and the privacy cover) and the
// SwiftUI screens on those flows (ImWalletUI).
// Build the xcframework with scripts/build-xcframework.sh on a Mac; on Linux the
// platform-neutral glue is compiled and tested by tests/swift/run.sh.
import PackageDescription

let package = Package(
    name: "ImWalletIOS",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "ImWalletIOS", targets: ["ImWalletIOS"]),
        .library(name: "ImWalletUI", targets: ["ImWalletUI"]),
    ],
    targets: [
        .binaryTarget(name: "ImWalletFFI", path: "ImWalletFFI.xcframework"),
        .target(name: "ImWallet", dependencies: ["ImWalletFFI"], path: "Sources/ImWallet"),
        .target(name: "ImWalletIOS", dependencies: ["ImWallet"], path: "Sources/ImWalletIOS"),
        // SwiftUI views, each file inside `#if canImport(SwiftUI)` (empty where SwiftUI is missing).
        .target(name: "ImWalletUI", dependencies: ["ImWallet", "ImWalletIOS"], path: "Sources/ImWalletUI"),
    ]
)
