// SwiftUI: the lock screen on UnlockFlow (iOS 15+). Apple-only: compiled out on Linux and not
// built on the project machines (no Xcode); the flow it shows is tested on Linux.
#if canImport(SwiftUI)
import SwiftUI
import ImWallet
import ImWalletIOS

public struct UnlockView: View {
    private let flow: UnlockFlow
    @State private var state: UnlockState = .idle
    @State private var password = ""

    public init(flow: UnlockFlow) { self.flow = flow }

    public var body: some View {
        VStack(spacing: 16) {
            switch state {
            case .idle, .checking:
                ProgressView()
            case .notLocked:
                Text("Nothing to unlock")
            case .waitingForBiometric(let account):
                Text("Locked: \(account.name)")
                ProgressView("Waiting for Face ID…")
            case .askingPassword(let account, let cause, let biometricAvailable, let attemptsLeft, let reason):
                Text("Locked: \(account.name)")
                Text(Self.describe(cause, reason)).font(.callout)
                Text("\(attemptsLeft) attempts left").font(.footnote)
                if biometricAvailable {
                    Button("Unlock with Face ID") { Task { await flow.useBiometrics() } }
                }
                SecureField("Password", text: $password)
                Button("Unlock") { Task { await submit() } }
            case .lockedOut(let account, let retryAfterSecs):
                Text("Locked: \(account.name)")
                Text("Too many attempts. Try again in \(retryAfterSecs) s")
            case .unlocked:
                Text("Unlocked")
            case .failed(let reason):
                Text(reason).foregroundColor(.red)
            }
        }
        .padding()
        .task {
            let updates = flow.stateUpdates()   // subscribed first: the prompt's state shows while it is up
            Task { await flow.start() }
            for await s in updates { state = s }
        }
        .onDisappear { flow.stop() }
    }

    private func submit() async {
        var pw = Data(password.utf8)
        password = ""
        await flow.submitPassword(pw)
        pw.resetBytes(in: 0..<pw.count)
    }

    static func describe(_ cause: PasswordCause, _ reason: String?) -> String {
        switch cause {
        case .first: return "Enter your password"
        case .biometricCancelled: return "Face ID cancelled. Enter your password"
        case .biometricLockout: return "Face ID is locked. Enter your password"
        case .biometricInvalidated: return "Your Face ID changed, so Face ID unlock was turned off. Enter your password"
        case .biometricUnavailable: return "Face ID is not available. Enter your password"
        case .wrongPassword: return "Wrong password"
        case .delayOver: return "You can try again"
        case .other: return reason ?? "Enter your password"
        }
    }
}
#endif
