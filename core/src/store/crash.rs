//! Named crash points for the crash-consistency tests.
//!
//! With the `crash-points` feature, reaching the point named in `IMWALLET_CRASH_AT` aborts the
//! process on the spot (no unwinding, no destructors), like a power cut or the OS killing the
//! app. Without the feature this compiles to nothing.

/// Aborts here when this point is armed (feature `crash-points` only).
#[inline]
pub fn crash_point(name: &str) {
    #[cfg(feature = "crash-points")]
    {
        if std::env::var("IMWALLET_CRASH_AT").as_deref() == Ok(name) {
            std::process::abort();
        }
    }
    let _ = name;
}
