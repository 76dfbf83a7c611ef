// SwiftUI: the "Log out" screen on LogoutFlow (iOS 15+). Apple-only: compiled out on Linux and not
// built on the project machines (no Xcode); the flow it shows is tested on Linux.
#if canImport(SwiftUI)
import SwiftUI
import ImWallet
import ImWalletIOS

public struct LogoutView: View {
    private let flow: LogoutFlow
    @State private var state: LogoutState = .idle
    @State private var clearCaches = true
    @State private var removeWallet = false
    @State private var typedName = ""
    @State private var password = ""

    public init(flow: LogoutFlow) { self.flow = flow }

    private var options: LogoutOptions {
        LogoutOptions(clearCaches: clearCaches, keepGlobalCaches: true, removeWallet: removeWallet)
    }

    public var body: some View {
        Form {
            Section {
                Toggle("Clear this account's cached data", isOn: $clearCaches)
                Toggle("Remove the wallet from this device", isOn: $removeWallet)
            }
            switch state {
            case .idle:
                Button("Log out") { Task { await flow.start(options: options) } }
            case .failed(let reason):
                Text(reason).foregroundColor(.red)
                Button("Log out") { Task { await flow.start(options: options) } }
            case .planning:
                ProgressView("Checking what logging out will do…")
            case .confirming(let plan, let problem):
                Section("This will") {
                    ForEach(plan.actions, id: \.self) { Text(Self.describe($0)) }
                }
                if !plan.warnings.isEmpty {
                    Section("Before you go") {
                        ForEach(plan.warnings, id: \.self) { Label(Self.describe($0), systemImage: "exclamationmark.triangle") }
                    }
                }
                Section {
                    if plan.confirmation == .typeAccountName {
                        TextField("Type \"\(plan.account.name)\" to confirm", text: $typedName)
                    }
                    if plan.authorization == .password || plan.authorization == .biometricOrPassword {
                        SecureField("Password", text: $password)
                    }
                    if let problem { Text(problem).foregroundColor(.red) }
                    Button(plan.authorization == .biometric ? "Confirm with Face ID" : "Confirm log out", role: .destructive) {
                        Task { await confirm(plan) }
                    }
                    Button("Cancel") { flow.cancel() }
                }
            case .loggingOut:
                ProgressView("Logging out…")
            case .done(let report):
                Text("Logged out of \(report.account.name).")
                if report.keysWiped { Text("Keys wiped from memory.") }
                Text("\(report.cacheEntriesCleared) cached entries cleared.")
                if report.walletRemoved { Text("Wallet removed from this device.") }
            }
        }
        .task { for await s in flow.stateUpdates() { state = s } }
        .onChange(of: clearCaches) { _ in replan() }
        .onChange(of: removeWallet) { _ in replan() }
    }

    private func replan() {
        if case .confirming = state { Task { await flow.start(options: options) } }
    }

    private func confirm(_ plan: LogoutPlan) async {
        var pw: Data? = password.isEmpty ? nil : Data(password.utf8)
        password = ""
        let bio = pw == nil && (plan.authorization == .biometric || plan.authorization == .biometricOrPassword)
        await flow.confirm(typedAccountName: plan.confirmation == .typeAccountName ? typedName : nil, password: pw, useBiometrics: bio)
        if pw != nil { pw!.resetBytes(in: 0..<pw!.count) }
    }

    static func describe(_ a: LogoutAction) -> String {
        switch a {
        case .wipeKeysFromMemory: return "Wipe the keys from memory"
        case .endSession: return "End the session"
        case .removeBiometricUnlock: return "Turn Face ID unlock off"
        case .clearAccountCaches: return "Clear this account's cached data"
        case .clearGlobalCaches: return "Clear shared cached data"
        case .removeWallet: return "Remove the wallet from this device"
        case .disconnectDapps: return "Disconnect the connected apps"
        case .rejectPendingRequests: return "Reject the requests waiting for approval"
        case .clearClipboard: return "Clear what the wallet copied"
        }
    }

    static func describe(_ w: LogoutWarning) -> String {
        switch w {
        case .notBackedUp: return "Your recovery phrase is not backed up: without it this wallet cannot be restored."
        case .insecureNetwork: return "You are on a public Wi-Fi network."
        case .untrustedDevice: return "This device looks jailbroken or a debugger is attached."
        case .walletWillBeRemoved: return "The wallet will be deleted from this device."
        }
    }
}
#endif
