// The environment probe on iOS (ADR 0015): the network from NWPathMonitor (iOS does not tell an
// app whether a Wi-Fi network is secured, so Wi-Fi is `.wifiSecurityUnknown`, which the policy
// treats as unknown), a VPN from the system proxy settings' scoped interfaces (utun, ipsec, ppp,
// tap, tun), the passcode from LAContext.canEvaluatePolicy(.deviceOwnerAuthentication)
// (LAError.passcodeNotSet = no screen lock), a debugger from sysctl's P_TRACED flag, jailbreak
// signals (files, a write outside the sandbox), and the simulator at compile time. Each answer
// may be "cannot tell" (nil / .unknown); a source that throws makes the core count that answer as
// unknown, never as safe. Jailbreak detection is a heuristic a jailbroken device can hide from.
//
// The mapping (`PathFacts` → `NetworkKind`, `VPNSignals`, `PasscodeStatus`, `JailbreakSignals`,
// `TracerPid`) is platform-neutral and tested on Linux; the Apple calls are behind `#if`.
import Foundation
import ImWallet
#if canImport(Network)
import Network
#endif
#if canImport(LocalAuthentication)
import LocalAuthentication
#endif
#if canImport(CFNetwork)
import CFNetwork
#endif
#if canImport(Darwin)
import Darwin
#endif

/// What NWPathMonitor says about the current path.
public struct PathFacts: Sendable, Equatable {
    public var satisfied: Bool
    public var wifi = false
    public var cellular = false
    public var wiredEthernet = false
    public var vpn = false

    public init(satisfied: Bool, wifi: Bool = false, cellular: Bool = false, wiredEthernet: Bool = false, vpn: Bool = false) {
        self.satisfied = satisfied
        self.wifi = wifi
        self.cellular = cellular
        self.wiredEthernet = wiredEthernet
        self.vpn = vpn
    }

    /// The network kind: iOS reports no Wi-Fi security to apps.
    public var kind: NetworkKind {
        if !satisfied { return .offline }
        if vpn { return .vpn }
        if wifi { return .wifiSecurityUnknown }
        if cellular { return .cellular }
        return .unknown
    }
}

public enum VPNSignals {
    static let prefixes = ["utun", "ipsec", "ppp", "tap", "tun"]

    /// Whether any of the system proxy settings' `__SCOPED__` interface names is a VPN's.
    public static func vpn(scopedInterfaces: [String]) -> Bool {
        scopedInterfaces.contains { name in prefixes.contains { name.hasPrefix($0) } }
    }
}

public enum PasscodeStatus {
    /// LAError.passcodeNotSet.
    public static let laPasscodeNotSet = -5

    /// The screen lock from `canEvaluatePolicy(.deviceOwnerAuthentication)`: true when it can be
    /// evaluated, false when the passcode is not set, nil for anything else.
    public static func screenLockSet(canEvaluate: Bool, errorCode: Int?) -> Bool? {
        if canEvaluate { return true }
        return errorCode == laPasscodeNotSet ? false : nil
    }
}

public enum JailbreakSignals {
    public static let paths = [
        "/Applications/Cydia.app", "/Applications/Sileo.app", "/Applications/Zebra.app", "/var/jb", "/var/binpack",
        "/Library/MobileSubstrate/MobileSubstrate.dylib", "/usr/lib/TweakInject", "/etc/apt", "/private/var/lib/apt",
        "/usr/sbin/sshd", "/usr/bin/ssh", "/bin/bash", "/.bootstrapped", "/.installed_dopamine",
    ]

    /// A jailbreak's files, or a write outside the app's sandbox that succeeded.
    public static func jailbroken(exists: (String) -> Bool, canWriteOutsideSandbox: () -> Bool) -> Bool {
        paths.contains(where: exists) || canWriteOutsideSandbox()
    }
}

public enum TracerPid {
    /// `TracerPid:` of a /proc/<pid>/status text (Linux); nil when absent.
    public static func of(_ status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix("TracerPid:") {
            return Int(line.dropFirst("TracerPid:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

/// The shipped probe: `SessionStream.open(config:environment: IOSEnvironmentProbe(), …)`. The core
/// calls it off the main thread before each sensitive action and the logout plan.
public final class IOSEnvironmentProbe: EnvironmentProbe, @unchecked Sendable {
    private let networkSource: () throws -> PathFacts?
    private let screenLockSource: () throws -> Bool?
    private let jailbreakSource: () throws -> Bool?
    private let debuggerSource: () throws -> Bool?
    private let simulatorSource: () throws -> Bool?

    public init(network: @escaping () throws -> PathFacts?, screenLock: @escaping () throws -> Bool?,
                jailbroken: @escaping () throws -> Bool?, debugger: @escaping () throws -> Bool?,
                simulator: @escaping () throws -> Bool?) {
        networkSource = network
        screenLockSource = screenLock
        jailbreakSource = jailbroken
        debuggerSource = debugger
        simulatorSource = simulator
    }

    /// The platform's own sources (a path monitor starts now and keeps the latest path).
    public convenience init() {
        let watcher = PathWatcher()
        self.init(network: { watcher.latest() }, screenLock: IOSEnvironmentProbe.platformScreenLock,
                  jailbroken: IOSEnvironmentProbe.platformJailbroken, debugger: IOSEnvironmentProbe.platformDebugger,
                  simulator: IOSEnvironmentProbe.platformSimulator)
    }

    public func network() throws -> NetworkKind { try networkSource()?.kind ?? .unknown }
    public func screenLockSet() throws -> Bool? { try screenLockSource() }
    public func rooted() throws -> Bool? { try jailbreakSource() }
    public func debuggerAttached() throws -> Bool? { try debuggerSource() }
    public func emulator() throws -> Bool? { try simulatorSource() }

    static func platformScreenLock() -> Bool? {
        #if canImport(LocalAuthentication)
        let context = LAContext()
        var error: NSError?
        let ok = context.canEvaluatePolicy(.deviceOwnerAuthentication, error: &error)
        return PasscodeStatus.screenLockSet(canEvaluate: ok, errorCode: error?.code)
        #else
        return nil
        #endif
    }

    static func platformJailbroken() -> Bool? {
        #if os(iOS) && !targetEnvironment(simulator)
        let probe = "/private/imwallet-jailbreak-check-\(UUID().uuidString)"
        return JailbreakSignals.jailbroken(exists: { FileManager.default.fileExists(atPath: $0) }) {
            guard (try? "x".write(toFile: probe, atomically: true, encoding: .utf8)) != nil else { return false }
            try? FileManager.default.removeItem(atPath: probe)
            return true
        }
        #else
        return nil  // not a phone (simulator, macOS, Linux): nothing to check
        #endif
    }

    static func platformDebugger() -> Bool? {
        #if canImport(Darwin)
        var info = kinfo_proc()
        var size = MemoryLayout<kinfo_proc>.stride
        var mib: [Int32] = [CTL_KERN, KERN_PROC, KERN_PROC_PID, getpid()]
        guard sysctl(&mib, 4, &info, &size, nil, 0) == 0 else { return nil }
        return (info.kp_proc.p_flag & P_TRACED) != 0
        #else
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8), let pid = TracerPid.of(status) else {
            return nil
        }
        return pid != 0
        #endif
    }

    static func platformSimulator() -> Bool? {
        #if targetEnvironment(simulator)
        return true
        #elseif os(iOS)
        return false
        #else
        return nil
        #endif
    }
}

/// Keeps the latest NWPath (NWPathMonitor reports asynchronously).
final class PathWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var facts: PathFacts?
    #if canImport(Network)
    private let monitor = NWPathMonitor()
    #endif

    init() {
        #if canImport(Network)
        monitor.pathUpdateHandler = { [weak self] path in
            let facts = PathFacts(satisfied: path.status == .satisfied, wifi: path.usesInterfaceType(.wifi),
                                  cellular: path.usesInterfaceType(.cellular), wiredEthernet: path.usesInterfaceType(.wiredEthernet),
                                  vpn: PathWatcher.vpnActive())
            self?.lock.lock()
            self?.facts = facts
            self?.lock.unlock()
        }
        monitor.start(queue: DispatchQueue(label: "imwallet.path-monitor"))
        #endif
    }

    deinit {
        #if canImport(Network)
        monitor.cancel()
        #endif
    }

    /// The latest path; nil before the first report (cannot tell).
    func latest() -> PathFacts? {
        lock.lock()
        defer { lock.unlock() }
        return facts
    }

    static func vpnActive() -> Bool {
        #if canImport(CFNetwork)
        guard let settings = CFNetworkCopySystemProxySettings()?.takeRetainedValue() as? [String: Any],
              let scoped = settings["__SCOPED__"] as? [String: Any] else { return false }
        return VPNSignals.vpn(scopedInterfaces: Array(scoped.keys))
        #else
        return false
        #endif
    }
}
