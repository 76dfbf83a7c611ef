//! Compresses the frequency lists (`data/*.txt`, upstream's six ranked word lists, verbatim)
//! into one DEFLATE stream the library embeds: 793 KB of text become about 390 KB in the
//! shipping library, inflated once, on the first estimate (`src/frequency_lists.rs`).
use std::{env, fs, path::PathBuf};

/// The lists, in the order `src/frequency_lists.rs` reads them back.
const LISTS: [&str; 6] = [
    "passwords",
    "english_wiki",
    "female_names",
    "male_names",
    "surnames",
    "us_tv_and_film",
];

fn main() {
    let mut text = Vec::new();
    for (i, name) in LISTS.iter().enumerate() {
        let path = format!("data/{name}.txt");
        println!("cargo:rerun-if-changed={path}");
        let list = fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(!list.contains(&b'\n'), "{path}: one comma-separated line");
        if i > 0 {
            text.push(b'\n');
        }
        text.extend_from_slice(&list);
    }
    let packed = miniz_oxide::deflate::compress_to_vec(&text, 10);
    // The library cannot report a bad stream to anyone: check it here, where a failure stops
    // the build.
    let back = miniz_oxide::inflate::decompress_to_vec(&packed).unwrap_or_default();
    assert!(
        back == text,
        "the frequency lists do not survive compression"
    );
    let out =
        PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("frequency_lists.deflate");
    fs::write(&out, packed).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
