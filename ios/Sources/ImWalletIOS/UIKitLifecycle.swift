// The Apple-only part of the lifecycle wiring (UIKit; not compiled on the project machines):
// UIApplication's notification names, the privacy cover's view, and a window that reports every
// touch so the idle auto-lock restarts.
//
//     let lifecycle = WalletLifecycle(calls: CoreCalls(core: opened.core))
//     let cover = PrivacyCover.over(window)      // keep both alive as long as the scene
#if canImport(UIKit) && !os(watchOS)
import UIKit
import ImWallet

extension WalletLifecycle {
    /// Background / foreground from UIApplication.
    public convenience init(calls: LifecycleCalls, onError: @escaping (Error) -> Void = { _ in }) {
        self.init(calls: calls, background: UIApplication.didEnterBackgroundNotification,
                  foreground: UIApplication.willEnterForegroundNotification, onError: onError)
    }
}

extension PrivacyCover {
    /// A blur over `window` from "will resign active" (the switcher's snapshot) to "did become active".
    public static func over(_ window: UIWindow) -> PrivacyCover {
        let cover = UIVisualEffectView(effect: UIBlurEffect(style: .systemMaterial))
        cover.autoresizingMask = [.flexibleWidth, .flexibleHeight]
        return PrivacyCover(inactive: UIApplication.willResignActiveNotification, active: UIApplication.didBecomeActiveNotification,
                            show: { [weak window] in
                                guard let window else { return }
                                cover.frame = window.bounds
                                window.addSubview(cover)
                            },
                            hide: { cover.removeFromSuperview() })
    }
}

/// A window that reports each touch to the core (set it as the scene's window).
open class ActivityReportingWindow: UIWindow {
    public var lifecycle: WalletLifecycle?

    open override func sendEvent(_ event: UIEvent) {
        if event.type == .touches, event.allTouches?.contains(where: { $0.phase == .began }) == true { lifecycle?.touch() }
        super.sendEvent(event)
    }
}
#endif
