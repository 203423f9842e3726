//! The scenario loader on any text: parse, merge overlays and `--set`
//! changes, check, estimate the size, and (when small) simulate one
//! replication. Nothing may panic, hang or allocate without bound.
//!
//! The input is a scenario, then optional layers after lines of `#---`:
//! each layer is an overlay (TOML merged on top), or `--set KEY=VALUE`
//! lines.
#![no_main]

use caseflow::sizing::Estimate;
use caseflow::scenario::{self, Change};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split("\n#---\n");
    let base = parts.next().unwrap_or_default();
    let mut changes = Vec::new();
    for part in parts {
        if part.starts_with("--set ") {
            for line in part.lines() {
                if let Some(arg) = line.strip_prefix("--set ") {
                    if let Ok(c) = Change::parse(arg) {
                        changes.push(c);
                    }
                }
            }
        } else {
            changes.push(Change::overlay(part));
        }
    }
    match scenario::parse_with(base, "fuzz.toml", &changes) {
        Ok(model) => {
            let e = Estimate::of(&[&model], 10, 1);
            // Only what is cheap: the estimate is what keeps the rest out.
            if e.items < 2e4 && e.events < 2e5 && e.replication_bytes < 64e6 && e.periods < 2_000 {
                let r = caseflow::engine::simulate(&model, 1, 0);
                assert!(r.balance.iter().all(|b| b.holds()), "items lost or double-counted");
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
