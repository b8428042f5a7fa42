//! A progress bar on stderr for long work, drawn only on a terminal.

use std::io::{IsTerminal, Write};

/// Draws `label [#####-----] done/total` in place.
pub struct Progress {
    label: &'static str,
    on: bool,
    last: u64,
}

impl Progress {
    /// A bar that is drawn only if stderr is a terminal.
    pub fn new(label: &'static str) -> Self {
        Progress {
            label,
            on: std::io::stderr().is_terminal(),
            last: u64::MAX,
        }
    }

    /// Shows `done` of `total`.
    pub fn update(&mut self, done: u64, total: u64) {
        if !self.on || total == 0 {
            return;
        }
        let pct = done * 100 / total;
        if pct == self.last {
            return;
        }
        self.last = pct;
        let filled = (pct / 4) as usize;
        let _ = write!(
            std::io::stderr(),
            "\r{} [{}{}] {done}/{total}",
            self.label,
            "#".repeat(filled),
            "-".repeat(25 - filled)
        );
        if done == total {
            let _ = writeln!(std::io::stderr());
        }
    }
}
