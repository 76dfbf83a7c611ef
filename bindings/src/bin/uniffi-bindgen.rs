//! The workspace's own `uniffi-bindgen` (same uniffi version as the library by construction).
fn main() {
    uniffi::uniffi_bindgen_main()
}
