//! One integration-test binary; each module covers one promise.

mod cli;
mod conservation;
mod demand;
mod determinism;
mod fitting;
mod harness;
mod history;
mod overlays;
mod pathway;
mod plans;
mod queueing;
mod readme;
mod report;
mod scenario_errors;
mod scenarios;
mod staffing;
mod workforce;
