// The iOS / macOS AppCodeVerifier: the app-verified second factor (issue 19, ADR 0014). The app's
// server sends a code (email, SMS); the user types it with the password; the core asks this hook,
// which asks the server through the app's own client (`VerificationCodeBackend`) and answers
// yes, no, or a typed error.
//
// A policy of the app's server, not cryptography: the core cannot tell a real "yes" from a patched
// app's (ADR 0014). This class adds the plumbing an app would otherwise get subtly wrong: never on
// the main thread, a bounded wait (a hung server ends as `Unavailable`, not as a login that never
// returns), every failure mapped to a typed `AppCodeError` (the core then says
// SecondFactorUnavailable, whatever the password). A `Data` is a value that Swift copies at will,
// so unlike the Kotlin glue this one cannot promise to wipe the typed code.
// Foundation only: compiled and tested on Linux (tests/swift), end to end against the real core.
import Foundation
import ImWallet

/// The app's own client for its verification endpoint (URLSession, Alamofire …), called on a
/// background thread. Return true when the server accepts `code` (UTF-8 bytes of what the user
/// typed) for `accountId`'s user — and, as servers should, uses it up — false when it refuses it;
/// throw a `URLError` when the server cannot be reached.
///
/// ```swift
/// struct MyBackend: VerificationCodeBackend {
///     let api: VerifyAPI
///     func verifyCode(accountId: String, code: Data) throws -> Bool {
///         let status = try api.verifySync(user: users.user(for: accountId), code: String(decoding: code, as: UTF8.self))
///         switch status { case 200: return true; case 401, 403, 410: return false; default: throw URLError(.badServerResponse) }
///     }
/// }
/// ```
public protocol VerificationCodeBackend: Sendable {
    func verifyCode(accountId: String, code: Data) throws -> Bool
}

/// The hook to pass as `appCodeVerifier:` to `WalletCore(...)`. `timeout` bounds one server call.
public final class BackendAppCodeVerifier: AppCodeVerifier, @unchecked Sendable {
    private let backend: VerificationCodeBackend
    private let timeout: TimeInterval
    private let isMainThread: () -> Bool
    private let queue = DispatchQueue(label: "imwallet.app-code", attributes: .concurrent)

    public init(backend: VerificationCodeBackend, timeout: TimeInterval = 30, isMainThread: @escaping () -> Bool = { Thread.isMainThread }) {
        self.backend = backend
        self.timeout = timeout
        self.isMainThread = isMainThread
    }

    /// A failure of the app's client as the core reports it (a host message is not passed on).
    public static func map(_ error: Error) -> AppCodeError {
        if let e = error as? AppCodeError { return e }
        if let e = error as? URLError { return .Unavailable(reason: "the verification server cannot be reached (URLError \(e.code.rawValue))") }
        return .Other(reason: "the verification failed (\(type(of: error)))")
    }

    public func verifyCode(accountId: String, code: Data) throws -> Bool {
        if isMainThread() { throw AppCodeError.Other(reason: "the verification code must not be checked on the main thread") }
        let call = Call()
        let backend = self.backend
        queue.async {
            let result: Result<Bool, Error>
            do { result = .success(try backend.verifyCode(accountId: accountId, code: code)) } catch { result = .failure(error) }
            call.finish(result)
        }
        guard let result = call.wait(timeout) else {
            throw AppCodeError.Unavailable(reason: "the verification server did not answer in time")
        }
        switch result {
        case let .success(yes): return yes
        case let .failure(e): throw Self.map(e)
        }
    }

    /// One call's outcome: the first delivery wins, a late one after the timeout goes nowhere.
    private final class Call: @unchecked Sendable {
        private let lock = NSLock()
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<Bool, Error>?

        func finish(_ r: Result<Bool, Error>) {
            lock.lock()
            let first = result == nil
            if first { result = r }
            lock.unlock()
            if first { done.signal() }
        }

        func wait(_ timeout: TimeInterval) -> Result<Bool, Error>? {
            guard done.wait(timeout: .now() + timeout) == .success else { return nil }
            lock.lock(); defer { lock.unlock() }
            return result
        }
    }
}
