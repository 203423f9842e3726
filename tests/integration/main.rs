//! One integration-test binary; each module covers one promise.

mod alloc;
mod cli;
mod conservation;
mod demand;
mod determinism;
mod hardening;
mod harness;
mod history;
mod overlays;
mod plans;
mod properties;
mod queueing;
mod readme;
mod report;
mod scenario_errors;
mod scenarios;
mod workforce;

#[global_allocator]
static COUNTING: alloc::Counting = alloc::Counting;
