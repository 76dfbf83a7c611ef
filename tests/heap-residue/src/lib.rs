//! A spying global allocator for tests: while a check runs, every heap block that is freed is
//! searched for the given byte strings before it goes back to the system. A hit is a secret that
//! was freed without being wiped.
//!
//! Use: declare `#[global_allocator] static SPY: Spy = Spy;` in the test binary, then
//! [`freed_blocks_holding`]. Blocks freed by other threads during the check are searched too (a
//! hit there is still a residue of the process).
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};

/// The allocator: the system's, plus the search on free while a check is armed. `realloc` is
/// `GlobalAlloc`'s default (allocate, copy, `dealloc`), so an outgrown buffer's old block is
/// searched like any other free.
pub struct Spy;

static ARMED: AtomicBool = AtomicBool::new(false);
static HITS: AtomicUsize = AtomicUsize::new(0);
/// The needles of the running check. Written only while disarmed (and without allocating while
/// the write lock is held); read by every freeing thread at once while armed.
static NEEDLES: RwLock<Vec<Vec<u8>>> = RwLock::new(Vec::new());
/// One check at a time (tests run on several threads).
static CHECK: Mutex<()> = Mutex::new(());

// SAFETY: every call is forwarded unchanged to `System`, which upholds the `GlobalAlloc`
// contract; the spy only reads a block that the caller is handing back (`dealloc`'s `ptr` and
// `layout` describe a live allocation of `layout.size()` initialised-or-not bytes, which the
// search reads as `u8`s before the block is released).
unsafe impl GlobalAlloc for Spy {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zeroed, so every byte of a block is initialised when `dealloc` reads it (spare
        // capacity included).
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::Acquire) {
            // SAFETY: `ptr` is a live block of `layout.size()` bytes until `System.dealloc`
            // below, and all of them are initialised (`alloc` zeroes; `realloc` is the default
            // allocate-copy-free through `alloc`). The read lock never allocates, and no writer
            // allocates while holding the lock, so a free inside it cannot wait.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let needles = NEEDLES.read().unwrap_or_else(|e| e.into_inner());
            if needles.iter().any(|n| !n.is_empty() && block.windows(n.len()).any(|w| w == n.as_slice())) {
                HITS.fetch_add(1, Ordering::Relaxed);
            }
        }
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Runs `f` and returns how many heap blocks freed meanwhile held any of `needles`. Whatever `f`
/// makes is dropped inside it (it returns nothing), so those frees are searched too. Not
/// reentrant: calling it from `f` deadlocks. Frees on other threads after `f` returns, and memory
/// that C code frees with its own allocator (SQLite), are not seen.
pub fn freed_blocks_holding(needles: &[&[u8]], f: impl FnOnce()) -> usize {
    let _one = CHECK.lock().unwrap_or_else(|e| e.into_inner());
    let mut fresh: Vec<Vec<u8>> = needles.iter().map(|n| n.to_vec()).collect();
    std::mem::swap(&mut *NEEDLES.write().unwrap_or_else(|e| e.into_inner()), &mut fresh);
    drop(fresh); // the previous check's needles, freed outside the lock
    HITS.store(0, Ordering::SeqCst);
    {
        let _armed = Armed::on();
        f();
    }
    let hits = HITS.load(Ordering::SeqCst);
    let mut old = Vec::new();
    std::mem::swap(&mut *NEEDLES.write().unwrap_or_else(|e| e.into_inner()), &mut old);
    drop(old);
    hits
}

/// Arms the search; disarms it when dropped, also when `f` panics.
struct Armed;

impl Armed {
    fn on() -> Armed {
        ARMED.store(true, Ordering::SeqCst);
        Armed
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        ARMED.store(false, Ordering::SeqCst);
    }
}
