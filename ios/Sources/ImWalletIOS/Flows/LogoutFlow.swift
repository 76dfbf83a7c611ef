// The "Log out" moment: plan → warnings → confirmation → report. It holds no policy: what logout
// will do, the warnings, what confirming needs (a tap or the typed account name, a password or
// biometrics) and every refusal come from the core; the flow only carries them to the screen.
// Plain Swift (iOS 15+): the SwiftUI view follows `states()`; tested on Linux against the real core.
import Foundation
import ImWallet

public enum LogoutState: Equatable {
    /// Nothing asked yet.
    case idle
    /// Asking the core for a plan.
    case planning
    /// The core's plan (`actions`, `warnings`, `confirmation`, `authorization`); `problem` is the
    /// core's reason for refusing the last confirmation (or for replacing a plan it forgot).
    case confirming(plan: LogoutPlan, problem: String?)
    /// The core is carrying the plan out (it may show the biometric prompt).
    case loggingOut
    /// What the core did.
    case done(report: LogoutReport)
    /// The core could not make a plan (e.g. nobody is logged in): its reason.
    case failed(reason: String)
}

public final class LogoutFlow: @unchecked Sendable {
    private let calls: LogoutCalls
    private let states = FlowStates<LogoutState>(.idle)

    public init(calls: LogoutCalls) { self.calls = calls }

    public var state: LogoutState { states.current }
    /// Every state from now on, starting with the current one.
    public func stateUpdates() -> AsyncStream<LogoutState> { states.stream() }

    /// The user tapped "Log out" (or changed an option on the logout screen): asks for a plan.
    public func start(options: LogoutOptions) async {
        guard states.begin() else { return }
        defer { states.end() }
        plan(options: options, problem: nil)
    }

    /// The user confirmed: `typedAccountName` when the plan asks for it, `password` or
    /// `useBiometrics` when `plan.authorization` asks for a proof. Returns once the core answered
    /// (wipe your copy of the password then).
    public func confirm(typedAccountName: String? = nil, password: Data? = nil, useBiometrics: Bool = false) async {
        guard case .confirming(let plan, _) = states.current, states.begin() else { return }
        defer { states.end() }
        states.set(.loggingOut)
        do {
            let confirmation = LogoutConfirmation(typedAccountName: typedAccountName, password: password, useBiometrics: useBiometrics)
            states.set(.done(report: try await calls.logout(token: plan.token, confirmation: confirmation)))
        } catch let e as WalletError {
            switch e {
            case .LogoutTokenExpired, .LogoutTokenInvalid, .SessionChanged:
                self.plan(options: plan.options, problem: e.reason)
            default:
                states.set(.confirming(plan: plan, problem: e.reason))
            }
        } catch {
            states.set(.confirming(plan: plan, problem: reasonOf(error)))
        }
    }

    /// The user backed out of the logout screen.
    public func cancel() {
        guard states.begin() else { return }
        states.set(.idle)
        states.end()
    }

    private func plan(options: LogoutOptions, problem: String?) {
        states.set(.planning)
        do {
            states.set(.confirming(plan: try calls.prepareLogout(options: options), problem: problem))
        } catch {
            states.set(.failed(reason: reasonOf(error)))
        }
    }
}
