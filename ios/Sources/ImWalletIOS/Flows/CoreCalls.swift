// Every call the shell's flows and lifecycle make into the core, in one place. The flows see only
// these protocols (one per flow), so a change to a core signature — a new parameter, a richer
// result — is adapted in this file and nowhere else. Platform-neutral: compiled and tested on
// Linux against the real core.
import Foundation
import ImWallet


/// The calls `LogoutFlow` makes.
public protocol LogoutCalls: AnyObject, Sendable {
    /// Blocking (reads the store and asks the environment probe): called off the main thread.
    func prepareLogout(options: LogoutOptions) throws -> LogoutPlan
    func logout(token: String, confirmation: LogoutConfirmation) async throws -> LogoutReport
}

/// The calls `UnlockFlow` makes.
public protocol UnlockCalls: AnyObject, Sendable {
    func state() -> SessionState
    /// The session's account as the core describes it (biometric unlock on or off), if any.
    func sessionAccount() throws -> AccountInfo?
    /// The attempt limiter for the session's account.
    func attemptStatus() throws -> AttemptStatus
    func unlockWithBiometrics() async throws -> UnlockOutcome
    func unlock(password: Data) async throws -> UnlockOutcome
}

/// The calls `ClearDataFlow` makes.
public protocol ClearDataCalls: AnyObject, Sendable {
    func cacheUsage() throws -> [CacheUsage]
    func clearCache(scope: ClearScope) throws -> ClearReport
    func prepareErase() throws -> ErasePlan
    func eraseAllData(typedPhrase: String, proofs: EraseProofs) async throws -> EraseReport
}

/// The calls `WalletLifecycle` makes.
public protocol LifecycleCalls: AnyObject, Sendable {
    func appBackgrounded() throws -> SessionState
    func appForegrounded() throws -> SessionState
    func touch()
}

/// The real core behind every flow.
public final class CoreCalls: LogoutCalls, UnlockCalls, ClearDataCalls, LifecycleCalls, @unchecked Sendable {
    public let core: WalletCore

    public init(core: WalletCore) { self.core = core }

    // ---- logout
    public func prepareLogout(options: LogoutOptions) throws -> LogoutPlan { try core.prepareLogout(options: options) }
    public func logout(token: String, confirmation: LogoutConfirmation) async throws -> LogoutReport {
        try await core.logout(token: token, confirmation: confirmation)
    }

    // ---- unlock
    public func state() -> SessionState { core.state() }
    public func sessionAccount() throws -> AccountInfo? {
        let id: String
        switch core.state() {
        case .locked(let account), .unlocked(let account): id = account.id
        default: return nil
        }
        return try core.accounts().first { $0.id == id }
    }
    public func attemptStatus() throws -> AttemptStatus { try core.attemptStatus(accountName: nil) }
    public func unlockWithBiometrics() async throws -> UnlockOutcome { try await core.unlockWithBiometrics() }
    public func unlock(password: Data) async throws -> UnlockOutcome { try await core.unlock(password: password) }

    // ---- clear data
    public func cacheUsage() throws -> [CacheUsage] { try core.cacheUsage() }
    public func clearCache(scope: ClearScope) throws -> ClearReport { try core.clearCache(scope: scope) }
    public func prepareErase() throws -> ErasePlan { try core.prepareErase() }
    public func eraseAllData(typedPhrase: String, proofs: EraseProofs) async throws -> EraseReport {
        try await core.eraseAllData(typedPhrase: typedPhrase, proofs: proofs)
    }

    // ---- lifecycle
    public func appBackgrounded() throws -> SessionState { try core.appBackgrounded() }
    public func appForegrounded() throws -> SessionState { try core.appForegrounded() }
    public func touch() { core.touch() }
}
