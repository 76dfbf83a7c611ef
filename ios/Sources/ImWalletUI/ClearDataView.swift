// SwiftUI: the "Clear data" screen on ClearDataFlow (iOS 15+). Apple-only: compiled out on Linux
// and not built on the project machines (no Xcode); the flow it shows is tested on Linux.
#if canImport(SwiftUI)
import SwiftUI
import ImWallet
import ImWalletIOS

public struct ClearDataView: View {
    private let flow: ClearDataFlow
    @State private var state: ClearDataState = .idle
    @State private var typed = ""
    @State private var passwords: [String: String] = [:]
    @State private var useScreenLock = false

    public init(flow: ClearDataFlow) { self.flow = flow }

    public var body: some View {
        Form {
            switch state {
            case .idle, .loading, .clearing, .erasing:
                ProgressView()
            case .ready(let usage, let lastClear, let problem):
                Section("Storage") {
                    if usage.isEmpty { Text("No cached data") }
                    ForEach(usage, id: \.kind) { u in Text("\(u.kind): \(u.entries) entries, \(u.files) files, \(u.bytes) bytes") }
                }
                if let c = lastClear { Text("Cleared \(c.entriesRemoved) entries and \(c.filesRemoved) files (\(c.bytesFreed) bytes)") }
                if let problem { Text(problem).foregroundColor(.red) }
                Button("Clear cache") { Task { await flow.clearCaches() } }
                Button("Reset app", role: .destructive) { Task { await flow.startReset() } }
            case .confirmingReset(let plan, let problem):
                Section("Reset app") {
                    Text("Erases every wallet on this device: \(plan.accountNames.joined(separator: ", "))")
                    if !plan.notBackedUp.isEmpty {
                        Text("Not backed up — lost for good: \(plan.notBackedUp.joined(separator: ", "))").foregroundColor(.red)
                    }
                    TextField("Type \"\(plan.phraseToType)\" to confirm", text: $typed)
                    if plan.authorizationNeeded {
                        ForEach(plan.notBackedUp, id: \.self) { name in
                            SecureField("Password of \(name)", text: Binding(get: { passwords[name] ?? "" }, set: { passwords[name] = $0 }))
                        }
                        if plan.deviceOwnerCheckAvailable { Toggle("Confirm with the passcode instead", isOn: $useScreenLock) }
                    }
                    if let problem { Text(problem).foregroundColor(.red) }
                    Button("Erase everything", role: .destructive) { Task { await erase() } }
                    Button("Cancel") { Task { await flow.cancelReset() } }
                }
            case .resetDone(let report):
                Text("Erased \(report.accountsRemoved) wallets. The app starts as new.")
            case .failed(let reason):
                Text(reason).foregroundColor(.red)
            }
        }
        .task {
            let updates = flow.stateUpdates()   // subscribed first: the prompt's state shows while it is up
            Task { await flow.load() }
            for await s in updates { state = s }
        }
    }

    private func erase() async {
        var pws = passwords.filter { !$0.value.isEmpty }.mapValues { Data($0.utf8) }
        passwords = [:]
        await flow.reset(typedPhrase: typed, passwords: pws, useDeviceOwner: useScreenLock)
        for k in pws.keys { pws[k]!.resetBytes(in: 0..<pws[k]!.count) }
    }
}
#endif
