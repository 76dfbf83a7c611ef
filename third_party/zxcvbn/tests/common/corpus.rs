//! The passwords both comparisons with upstream run: fixed ones and a deterministic generated
//! corpus aimed at the code the vendoring changed.

/// Fragments the generator joins: each aims at one of the replaced expressions or at a matcher
/// whose input they feed.
pub const FRAGMENTS: &[&str] = &[
    "a",
    "aa",
    "ab",
    "aab",
    "aabaab",
    "abc",
    "b",
    "x",
    "Z",
    "zz",
    "1",
    "2",
    "9",
    "0",
    "19",
    "20",
    "1991",
    "2024",
    "1/1/91",
    "12-20-1991",
    "1991.12.20",
    "11_11",
    "/",
    "\\",
    "-",
    "_",
    ".",
    " ",
    "\t",
    "\n",
    "\u{2003}",
    "\u{85}",
    "\u{a0}",
    "丂",
    "ü",
    "𐰊",
    "é",
    "password",
    "qwerty",
    "asdf",
    "dragon",
    "monkey",
    "P@ssw0rd",
    "l33t",
    "!",
    "#",
    "correct",
    "horse",
    "battery",
    "staple",
    "hunter2",
    "zxcvbn",
    "aaaa",
    "1234",
    "4321",
    "abab",
    "xyzxyz",
    "٣",
    "١٩٩١",
];

/// Passwords a wallet's users type (and the core's refusal list), plus edge cases.
pub const FIXED: &[&str] = &[
    "",
    "a",
    "\n",
    "\n\n",
    "aa\naa",
    "a\na\na",
    "ab\nab\nab",
    "19\n19",
    "password1",
    "Password1!",
    "letmein",
    "trustno1",
    "11/11/1991",
    "1991-11-11",
    "1 1 91",
    "1\u{2003}1\u{2003}91",
    "1/1-91",
    "12/25/2025",
    "2025",
    "19191919",
    "20202020",
    "abcabcabcabc",
    "aabaabaabaab",
    "aaaaa",
    "baaaaab",
    "abaabaabaa",
    "r0sebudmaelstrom11/20/91aaaa",
    "r0sebudmaelstrom丂/20/91aaaa",
    "correct horse battery staple",
    "Tr0ub4dour&3",
    "qwertyuiop",
    "1qaz2wsx3edc",
    "٣/٣/١٩٩١",
    "𐰊𐰂𐰄𐰀𐰁",
    "zxcvbnm123",
    "imwallet2024!",
    "alice1991alice1991",
    "0000000000",
];

pub struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: a deterministic corpus, the same on every run.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn generated(cases: usize) -> Vec<String> {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    (0..cases)
        .map(|_| {
            let parts = 1 + rng.below(7);
            let mut s = String::new();
            for _ in 0..parts {
                if rng.below(4) == 0 {
                    // A random printable ASCII character or digit run.
                    let c = (b' ' + rng.below(95) as u8) as char;
                    s.push(c);
                } else {
                    s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
                }
                if rng.below(5) == 0 {
                    // Repeat what came before: the repeat matcher's input.
                    let copy = s.clone();
                    s.push_str(&copy);
                }
            }
            s
        })
        .collect()
}
