//! One integration-test binary; each module covers one promise.

mod alloc;
mod areas;
mod browser;
mod calibration;
mod cli;
mod conservation;
mod demand;
mod deploy;
mod determinism;
mod docs;
mod finance;
mod fitting;
mod hardening;
mod harness;
mod health;
mod history;
mod imports;
mod inputs;
mod layout;
mod legal;
mod memory;
mod overlays;
mod pathway;
mod plans;
mod profile;
mod properties;
mod queueing;
mod readme;
mod report;
mod reproduce;
mod scenario_errors;
mod scenarios;
mod serve;
mod shards;
mod staffing;
mod until_precise;
mod work;
mod workforce;

#[global_allocator]
static COUNTING: alloc::Counting = alloc::Counting;
