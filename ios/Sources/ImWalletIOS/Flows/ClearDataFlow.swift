// The "Clear data" screen: cache usage → clear caches → "reset app" with the typed phrase. No
// policy here: the usage, what a clear removed, which wallets a reset loses, the phrase to type
// and what authorizes it come from the core, and the typed phrase and the passwords go to the
// core unchecked (it refuses with its reason).
import Foundation
import ImWallet

public enum ClearDataState: Equatable {
    case idle
    /// Reading the usage.
    case loading
    /// The usage per cache kind; `lastClear` what the last clear removed; `problem` the core's refusal.
    case ready(usage: [CacheUsage], lastClear: ClearReport?, problem: String?)
    /// The core is deleting cache rows and files.
    case clearing
    /// "Reset app" asked for: `plan.accountNames` are erased, `plan.notBackedUp` lost for good,
    /// `plan.phraseToType` must be typed, and when `plan.authorizationNeeded` their passwords (or
    /// the device-owner check when `plan.deviceOwnerCheckAvailable`) authorize it.
    case confirmingReset(plan: ErasePlan, problem: String?)
    /// The core is erasing (it may show the device-owner screen).
    case erasing
    /// What the reset erased: the app now starts as new.
    case resetDone(report: EraseReport)
    case failed(reason: String)
}

public final class ClearDataFlow: @unchecked Sendable {
    private let calls: ClearDataCalls
    private let states = FlowStates<ClearDataState>(.idle)

    public init(calls: ClearDataCalls) { self.calls = calls }

    public var state: ClearDataState { states.current }
    /// Every state from now on, starting with the current one.
    public func stateUpdates() -> AsyncStream<ClearDataState> { states.stream() }

    /// The screen shows: reads the usage.
    public func load() async {
        guard states.begin() else { return }
        defer { states.end() }
        states.set(.loading)
        usage(lastClear: nil, problem: nil)
    }

    /// "Clear cache" (every kind by default).
    public func clearCaches(scope: ClearScope = .all) async {
        guard states.begin() else { return }
        defer { states.end() }
        states.set(.clearing)
        do {
            usage(lastClear: try calls.clearCache(scope: scope), problem: nil)
        } catch {
            usage(lastClear: nil, problem: reasonOf(error))
        }
    }

    /// "Reset app": asks the core what it will erase and what confirming needs.
    public func startReset() async {
        guard states.begin() else { return }
        defer { states.end() }
        do {
            states.set(.confirmingReset(plan: try calls.prepareErase(), problem: nil))
        } catch {
            usage(lastClear: nil, problem: reasonOf(error))
        }
    }

    /// The user typed `typedPhrase` and, for the wallets in `plan.notBackedUp`, gave their
    /// `passwords` (account name → password) or chose the device-owner check. Returns once the
    /// core answered (wipe your copies of the passwords then).
    public func reset(typedPhrase: String, passwords: [String: Data] = [:], useDeviceOwner: Bool = false) async {
        guard case .confirmingReset = states.current, states.begin() else { return }
        defer { states.end() }
        states.set(.erasing)
        do {
            let proofs = EraseProofs(passwords: passwords.sorted { $0.key < $1.key }.map { ErasePassword(accountName: $0.key, password: $0.value) },
                                     useDeviceOwner: useDeviceOwner)
            states.set(.resetDone(report: try await calls.eraseAllData(typedPhrase: typedPhrase, proofs: proofs)))
        } catch {
            // Refused (wrong phrase, a password missing or wrong): the core's reason, on a fresh plan.
            do {
                states.set(.confirmingReset(plan: try calls.prepareErase(), problem: reasonOf(error)))
            } catch let again {
                states.set(.failed(reason: reasonOf(again)))
            }
        }
    }

    /// Back from the reset confirmation to the usage.
    public func cancelReset() async {
        guard case .confirmingReset = states.current else { return }
        await load()
    }

    private func usage(lastClear: ClearReport?, problem: String?) {
        do {
            states.set(.ready(usage: try calls.cacheUsage(), lastClear: lastClear, problem: problem))
        } catch {
            states.set(.failed(reason: reasonOf(error)))
        }
    }
}
