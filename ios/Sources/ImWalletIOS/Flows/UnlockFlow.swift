// The lock screen: biometrics first when the account has them on, the password as the fallback,
// the attempt limiter's countdown, and an invalidated biometric key sending the user to the
// password. No policy here: whether biometrics are on, the attempts left, how long the delay
// still runs and why a biometric unlock failed all come from the core; the countdown re-reads the
// delay from the core on every tick instead of counting by itself.
import Foundation
import ImWallet

/// Why the password screen shows.
public enum PasswordCause: Equatable {
    /// Biometric unlock is off for this account.
    case first
    case biometricCancelled
    /// The sensor is locked after too many tries (the platform's lockout).
    case biometricLockout
    /// A new enrollment (or a stale key) made the core turn biometric unlock off.
    case biometricInvalidated
    /// Not enrolled / no sensor / key store unavailable.
    case biometricUnavailable
    case wrongPassword
    /// The limiter's delay is over.
    case delayOver
    /// Anything else the core refused with (the reason says what).
    case other
}

public enum UnlockState: Equatable {
    case idle
    /// Nothing to unlock: logged out or no account (the login / onboarding screen's job).
    case notLocked(session: SessionState)
    /// The system's biometric prompt is up.
    case waitingForBiometric(account: SessionAccount)
    /// The password screen: `biometricAvailable` when the core has biometric unlock on for the
    /// account, `attemptsLeft` before a delay, `reason` the core's text.
    case askingPassword(account: SessionAccount, cause: PasswordCause, biometricAvailable: Bool, attemptsLeft: UInt32, reason: String?)
    /// The core is checking the password.
    case checking(account: SessionAccount)
    /// The attempt limiter's delay, as the core reports it now.
    case lockedOut(account: SessionAccount, retryAfterSecs: UInt64)
    case unlocked(outcome: UnlockOutcome)
    /// The core failed in a way the lock screen cannot help with (storage, internal).
    case failed(reason: String)
}

public final class UnlockFlow: @unchecked Sendable {
    private let calls: UnlockCalls
    private let tickNanos: UInt64
    private let states = FlowStates<UnlockState>(.idle)
    private let lock = NSLock()
    private var countdownTask: Task<Void, Never>?

    /// `tickNanos`: how often the countdown asks the core for the remaining delay.
    public init(calls: UnlockCalls, tickNanos: UInt64 = 1_000_000_000) {
        self.calls = calls
        self.tickNanos = tickNanos
    }

    deinit { countdownTask?.cancel() }

    public var state: UnlockState { states.current }
    /// Every state from now on, starting with the current one.
    public func stateUpdates() -> AsyncStream<UnlockState> { states.stream() }

    /// The lock screen shows: biometrics first when the core has them on, else the password.
    public func start() async {
        stop()
        guard states.begin() else { return }
        defer { states.end() }
        let now = calls.state()
        guard case .locked(let account) = now else { return states.set(.notLocked(session: now)) }
        await guarded(account) {
            let status = try self.calls.attemptStatus()
            if status.retryAfterSecs > 0 {
                self.countdown(account, status.retryAfterSecs)
            } else if try self.biometricOn() {
                await self.biometric(account)
            } else {
                self.states.set(.askingPassword(account: account, cause: .first, biometricAvailable: false, attemptsLeft: status.attemptsLeft, reason: nil))
            }
        }
    }

    /// The user tapped "Unlock with Face ID / Touch ID".
    public func useBiometrics() async {
        guard case .askingPassword(let account, _, _, _, _) = states.current, states.begin() else { return }
        defer { states.end() }
        await guarded(account) { await self.biometric(account) }
    }

    /// The user entered the password. Returns once the core answered (wipe your copy then).
    public func submitPassword(_ password: Data) async {
        guard case .askingPassword(let account, _, _, _, _) = states.current, states.begin() else { return }
        defer { states.end() }
        await guarded(account) {
            self.states.set(.checking(account: account))
            do {
                self.states.set(.unlocked(outcome: try await self.calls.unlock(password: password)))
            } catch WalletError.InvalidCredentials(let attemptsLeft, let retryAfterSecs, let reason) {
                if retryAfterSecs > 0 {
                    self.countdown(account, retryAfterSecs)
                } else {
                    self.states.set(.askingPassword(account: account, cause: .wrongPassword, biometricAvailable: (try? self.biometricOn()) ?? false,
                                                    attemptsLeft: attemptsLeft, reason: reason))
                }
            }
        }
    }

    /// Stops the countdown (the screen went away).
    public func stop() {
        lock.lock()
        countdownTask?.cancel()
        countdownTask = nil
        lock.unlock()
    }

    private func biometric(_ account: SessionAccount) async {
        states.set(.waitingForBiometric(account: account))
        await guarded(account) {
            do {
                self.states.set(.unlocked(outcome: try await self.calls.unlockWithBiometrics()))
            } catch let e as WalletError {
                switch e {
                case .BiometricCancelled: try self.askPassword(account, .biometricCancelled, e.reason)
                case .BiometricLockout: try self.askPassword(account, .biometricLockout, e.reason)
                case .BiometricInvalidated: try self.askPassword(account, .biometricInvalidated, e.reason)
                case .BiometricNotEnabled: try self.askPassword(account, .first, e.reason)
                case .BiometricNotEnrolled, .BiometricUnavailable: try self.askPassword(account, .biometricUnavailable, e.reason)
                default: throw e
                }
            }
        }
    }

    /// Runs `body`; any other refusal of the core lands in a state (never an escaped error).
    private func guarded(_ account: SessionAccount, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            do {
                try settle(account, error)
            } catch {
                states.set(.failed(reason: reasonOf(error)))
            }
        }
    }

    private func settle(_ account: SessionAccount, _ error: Error) throws {
        guard let e = error as? WalletError else { return states.set(.failed(reason: reasonOf(error))) }
        switch e {
        case .TooManyAttempts(let retryAfterSecs, _):
            countdown(account, retryAfterSecs)
        case .StorageFailed, .Internal:
            states.set(.failed(reason: e.reason))
        case .SessionChanged, .NotLoggedIn:
            // The session moved under the call (auto-lock, another unlock, logout): show where it is now.
            let now = calls.state()
            if case .locked(let a) = now { try askPassword(a, .other, e.reason) } else { states.set(.notLocked(session: now)) }
        default:
            try askPassword(account, .other, e.reason)
        }
    }

    private func askPassword(_ account: SessionAccount, _ cause: PasswordCause, _ reason: String?) throws {
        let status = try calls.attemptStatus()
        states.set(.askingPassword(account: account, cause: cause, biometricAvailable: try biometricOn(),
                                   attemptsLeft: status.attemptsLeft, reason: reason))
    }

    /// Shows the delay and re-reads it from the core every tick until it is over.
    private func countdown(_ account: SessionAccount, _ first: UInt64) {
        states.set(.lockedOut(account: account, retryAfterSecs: first))
        let tick = tickNanos
        let task = Task { [weak self] in
            var left = first
            while left > 0 {
                try? await Task.sleep(nanoseconds: tick)
                guard let self, !Task.isCancelled else { return }
                do {
                    left = try self.calls.attemptStatus().retryAfterSecs
                    if left > 0 { self.states.set(.lockedOut(account: account, retryAfterSecs: left)) }
                } catch {
                    return self.states.set(.failed(reason: reasonOf(error)))
                }
            }
            guard let self, !Task.isCancelled else { return }
            await self.guarded(account) { try self.askPassword(account, .delayOver, nil) }
        }
        lock.lock()
        countdownTask?.cancel()
        countdownTask = task
        lock.unlock()
    }

    private func biometricOn() throws -> Bool { try calls.sessionAccount()?.biometricEnabled ?? false }
}
