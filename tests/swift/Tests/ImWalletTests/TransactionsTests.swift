// Issue 18 through the Swift bindings: summarize a 1559 request for the confirmation screen,
// sign it behind a biometric SignTransaction gate (the core prompts by itself), the
// declared-chain check and a hostile request.
import Foundation
import XCTest
import ImWallet

let JUNK = Data("test test test test test test test test test test test junk".utf8)
let SEND_1559 = #"""
{"type":"0x2","chainId":"0x1","nonce":"0x0","maxFeePerGas":"0x6fc23ac00","maxPriorityFeePerGas":"0x77359400",
 "gas":"0x5208","to":"0x3535353535353535353535353535353535353535","value":"1500000000000000000"}
"""#

final class TransactionsTests: XCTestCase {
    var dir: URL!
    let ks = FakeKeyStore()
    var core: WalletCore!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-tx-\(UUID().uuidString)")
        core = try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                              environment: nil, listener: nil, keyStore: ks)
    }

    override func tearDownWithError() throws {
        core = nil
        try? FileManager.default.removeItem(at: dir)
    }

    func testSignA1559TransferBehindABiometricGate() async throws {
        _ = try await core.importAccount(name: "Tess", phrase: JUNK, passphrase: nil, password: PW)
        let s = try await summarizeTransaction(transactionJson: SEND_1559, chainId: 1)
        XCTAssertEqual(s.transactionType, .eip1559)
        XCTAssertEqual(s.kind, .transfer)
        XCTAssertEqual(s.chainId, 1)
        XCTAssertEqual(s.to, "0x3535353535353535353535353535353535353535")
        XCTAssertEqual(s.valueEth, "1.5")
        XCTAssertEqual(s.valueWei, "1500000000000000000")
        XCTAssertEqual(s.maxFeePerGasWei, "30000000000")
        XCTAssertEqual(s.gasLimit, 21000)
        XCTAssertEqual(s.maxTotalEth, "1.50063")
        XCTAssertNil(s.gasPriceWei)

        try await core.enableBiometricUnlock(password: PW)
        try await core.setGatePolicy(action: .signTransaction, policy: GatePolicy(gate: .biometric, freshWithinSecs: nil), proof: .password(password: PW))
        let prompts = ks.prompts.count
        let signed = try await core.signTransaction(index: 0, transactionJson: SEND_1559, chainId: 1)
        XCTAssertEqual(ks.prompts.count, prompts + 1, "the gate showed the biometric prompt")
        XCTAssertEqual(signed.summary, s)
        XCTAssertEqual(signed.sender, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        XCTAssertEqual(signed.raw.first, 0x02)
        XCTAssertEqual(signed.rawHex, "0x" + signed.raw.map { String(format: "%02x", $0) }.joined())
        ks.script = [KeyStoreError.Cancelled]
        do { _ = try await core.signTransaction(index: 0, transactionJson: SEND_1559, chainId: 1); XCTFail("signed without the gate") }
        catch WalletError.BiometricCancelled {}

        do { _ = try await core.signTransaction(index: 0, transactionJson: SEND_1559, chainId: 5); XCTFail("signed for another chain") }
        catch WalletError.ChainIdMismatch(let expected, let found, _) { XCTAssertEqual(expected, 5); XCTAssertEqual(found, 1) }
        do { _ = try await summarizeTransaction(transactionJson: #"{"nonce":1}"#, chainId: 1); XCTFail() }
        catch WalletError.InvalidInput(let kind, _) { XCTAssertEqual(kind, "InvalidTransaction") }
    }
}
