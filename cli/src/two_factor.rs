//! `imwallet 2fa …`: two-step verification with an authenticator app (ADR 0014), and the code
//! prompt of `login`.
//!
//! A one-shot process holds an unlocked session only while it runs, so each command unlocks the
//! persisted session with the password first (no code: the CLI leaves the app policy "second
//! factor on unlock" off) and reuses that password for the change, which checks it again.
//!
//! `login` cannot learn from the core whether the password was right before the code is given
//! (that is the point), so it asks for the code whenever the account's on-device info says
//! two-step verification is on — which any user of the device can see in `account list`, like
//! the other account flags.
//!
//! The otpauth URI holds the secret: it is drawn as a terminal QR code (text only, `qrcode`
//! without its image features) and printed with the Base32 secret on **stderr** — the screen —
//! never in `--json` output, and every copy of it lives in zeroizing buffers.

use std::path::Path;

use clap::Subcommand;
use imwallet_core::auth::second_factor::{SecondFactor, SecondFactorMethod};
use imwallet_core::auth::totp::DEFAULT_ISSUER;
use imwallet_core::vault::SecretBytes;
use imwallet_core::WalletCore;
use serde_json::json;
use zeroize::Zeroizing;

use crate::input::Input;
use crate::output::{CliError, Out, BOLD};
use crate::progress::with_spinner;
use crate::session_cmds::{before_password, open};
use crate::{errln, outln};

#[derive(Subcommand)]
pub enum TwoFaCmd {
    /// Turn on two-step verification with an authenticator app: password, scan the QR code,
    /// type the app's code; prints the ten one-time recovery codes (shown once).
    Enable {
        /// The name the authenticator app shows for this wallet.
        #[arg(long, default_value = DEFAULT_ISSUER)]
        issuer: String,
    },
    /// Turn it off: password, then a code from the app (or a recovery code).
    Disable,
    /// New recovery codes (the old ones stop working): password, then a code (or a recovery code).
    RecoveryCodes,
    /// Is two-step verification on, and how many recovery codes are left.
    Status,
}

/// Wrong codes typed at enrollment before the CLI gives up (the core drops the enrollment at 5).
const ENROLL_TRIES: u32 = 3;

pub fn run(out: &Out, input: &mut Input, dir: &Path, cmd: TwoFaCmd) -> Result<(), CliError> {
    let core = open(dir)?;
    if let TwoFaCmd::Status = cmd {
        return status(out, &core);
    }
    before_password(&core, None)?;
    let pw = input.secret("wallet password")?;
    with_spinner("checking the password", || core.unlock(pw.as_bytes()))?;
    match cmd {
        TwoFaCmd::Enable { issuer } => enable(out, input, &core, pw.as_bytes(), &issuer),
        TwoFaCmd::Disable => {
            let factor = ask_code(input, &core, None)?;
            with_spinner("checking the password and the code", || core.disable_second_factor(pw.as_bytes(), &factor))?;
            if out.json {
                out.print_json(&json!({"second_factor": null}))
            } else {
                outln!("two-step verification is off")
            }
        }
        TwoFaCmd::RecoveryCodes => {
            let factor = ask_code(input, &core, None)?;
            let codes = with_spinner("checking the password and the code", || core.regenerate_recovery_codes(pw.as_bytes(), &factor))?;
            print_codes(out, &codes, None)
        }
        TwoFaCmd::Status => status(out, &core),
    }
}

fn status(out: &Out, core: &WalletCore) -> Result<(), CliError> {
    let s = core.second_factor_status()?;
    if out.json {
        return out.print_json(&json!({
            "second_factor": s.method.map(|m| m.as_str()),
            "recovery_codes_left": s.recovery_codes_left,
            "totp_enrollment_pending": s.totp_enrollment_pending,
        }));
    }
    match s.method {
        None => outln!("two-step verification is off"),
        Some(m) => outln!("two-step verification: {} ({} recovery codes left)", method_text(m), s.recovery_codes_left),
    }
}

fn method_text(m: SecondFactorMethod) -> &'static str {
    match m {
        SecondFactorMethod::Totp => "authenticator app",
        SecondFactorMethod::AppVerified => "code from the app's server",
    }
}

fn enable(out: &Out, input: &mut Input, core: &WalletCore, pw: &[u8], issuer: &str) -> Result<(), CliError> {
    let e = with_spinner("checking the password", || core.begin_totp_enrollment(pw, issuer))?;
    show_enrollment(&e.otpauth_uri, &e.secret_base32)?;
    let mut tries = 0;
    let codes = loop {
        let code = input.line("code shown by the authenticator app")?;
        match core.confirm_totp_enrollment(code.as_bytes()) {
            Ok(codes) => break codes,
            Err(imwallet_core::Error::SecondFactorCodeRejected) if input.interactive() && tries + 1 < ENROLL_TRIES => {
                tries += 1;
                Out::new(false)
                    .warn("that code does not match: check the app shows this wallet and the clock is right, then type the current code");
            }
            Err(e) => return Err(e.into()),
        }
    };
    print_codes(out, &codes, Some("two-step verification is on"))
}

/// The QR code and the typed-in key, on stderr (the screen). Never in `--json` output.
fn show_enrollment(uri: &SecretBytes, secret: &SecretBytes) -> Result<(), CliError> {
    let qr = qrcode::QrCode::new(uri.expose()).map_err(|e| CliError::io(format!("cannot draw the QR code: {e}")))?;
    let drawn = Zeroizing::new(
        qr.render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    );
    errln!("{BOLD}Scan this with the authenticator app:{BOLD:#}");
    errln!("{}", drawn.as_str());
    errln!("or type this key into it (time-based, 6 digits, 30 s): {}", secret.expose_str()?);
    Ok(())
}

fn print_codes(out: &Out, codes: &[SecretBytes], headline: Option<&str>) -> Result<(), CliError> {
    let texts = codes.iter().map(|c| c.expose_str()).collect::<Result<Vec<_>, _>>()?;
    if out.json {
        return out.print_json(&json!({"second_factor": "totp", "recovery_codes": texts}));
    }
    if let Some(h) = headline {
        errln!("{h}");
    }
    Out::new(false).warn("recovery codes: each works once instead of a code; store them offline, they are not shown again");
    for t in texts {
        outln!("{t}")?;
    }
    Ok(())
}

/// Asks for the second factor: a 6-digit code of `method` (the session account's when `None`)
/// or a recovery code, told apart by their shape.
pub fn ask_code(input: &mut Input, core: &WalletCore, method: Option<SecondFactorMethod>) -> Result<SecondFactor, CliError> {
    let method = match method {
        Some(m) => Some(m),
        None => core.second_factor_status()?.method,
    };
    let prompt = match method {
        Some(SecondFactorMethod::AppVerified) => "verification code sent to you (or a recovery code)",
        _ => "authenticator code (or a recovery code)",
    };
    let typed = input.secret(prompt)?;
    let compact: Zeroizing<Vec<u8>> = Zeroizing::new(typed.bytes().filter(|b| !matches!(b, b' ' | b'-')).collect());
    let code = SecretBytes::from_slice(typed.as_bytes());
    // A recovery code has 10 characters; a TOTP code 6 digits. An app's own code may be 10
    // digits: for that method a recovery code is told by a letter in it.
    let is_recovery = compact.len() == imwallet_core::auth::recovery_codes::LEN
        && (method != Some(SecondFactorMethod::AppVerified) || compact.iter().any(|b| b.is_ascii_alphabetic()));
    Ok(match (is_recovery, method) {
        (true, _) => SecondFactor::RecoveryCode { code },
        (false, Some(SecondFactorMethod::AppVerified)) => SecondFactor::AppVerified { code },
        (false, _) => SecondFactor::Totp { code },
    })
}

/// `login`: the account's second factor when its on-device info says one is on.
pub fn login_factor(input: &mut Input, core: &WalletCore, name: &str) -> Result<Option<SecondFactor>, CliError> {
    let key = imwallet_core::auth::names::key(name);
    let method = core.accounts()?.into_iter().find(|a| imwallet_core::auth::names::key(&a.name) == key).and_then(|a| a.second_factor);
    match method {
        Some(m) => ask_code(input, core, Some(m)).map(Some),
        None => Ok(None),
    }
}
