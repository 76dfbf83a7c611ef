// The attempt limiter's boot clock on iOS/macOS: the kernel's boot time (`sysctl
// kern.boottime`) identifies the boot, and `CLOCK_MONOTONIC` (which on Darwin keeps counting
// while the device sleeps) measures time since it. On Linux (where the suite runs) the same
// roles are played by /proc/sys/kernel/random/boot_id and /proc/uptime. The sources are
// injectable so the mapping is tested anywhere.
import Foundation
import ImWallet
#if canImport(Darwin)
import Darwin
#endif

public final class SystemBootClock: BootClock, @unchecked Sendable {
    private let bootIdentity: () -> String?
    private let secondsSinceBoot: () -> UInt64?

    public init(bootIdentity: @escaping () -> String?, secondsSinceBoot: @escaping () -> UInt64?) {
        self.bootIdentity = bootIdentity
        self.secondsSinceBoot = secondsSinceBoot
    }

    /// The platform's own sources.
    public convenience init() {
        self.init(bootIdentity: SystemBootClock.platformBootId, secondsSinceBoot: SystemBootClock.platformUptime)
    }

    public func bootId() throws -> String {
        guard let id = bootIdentity(), !id.isEmpty else { throw WalletError.HookFailed(reason: "no boot identity available") }
        return id
    }

    public func sinceBootSecs() throws -> UInt64 {
        guard let s = secondsSinceBoot() else { throw WalletError.HookFailed(reason: "no time since boot available") }
        return s
    }

    static func platformBootId() -> String? {
        #if canImport(Darwin)
        var tv = timeval()
        var size = MemoryLayout<timeval>.size
        var mib: [Int32] = [CTL_KERN, KERN_BOOTTIME]
        guard sysctl(&mib, 2, &tv, &size, nil, 0) == 0, tv.tv_sec > 0 else { return nil }
        return "darwin-boot-\(tv.tv_sec)"
        #else
        let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
        return text.map { "linux-boot-" + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #endif
    }

    static func platformUptime() -> UInt64? {
        #if canImport(Darwin)
        return clock_gettime_nsec_np(CLOCK_MONOTONIC) / 1_000_000_000
        #else
        guard let text = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let first = text.split(separator: " ").first,
              let secs = Double(first) else { return nil }
        return UInt64(secs)
        #endif
    }
}
