//! The search over the unit cube of unknowns: a small space-filling
//! design for a start, then Nelder-Mead (argmin) from the best point.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use argmin::core::{CostFunction, Executor};
use argmin::solver::neldermead::NelderMead;

use super::CalibrationError;
use super::Run;
use crate::model::observed::Observation;
use crate::runner::RunError;

/// The search stops when every observation is within this share of its
/// tolerance: closer than that is lost in the replications' noise.
const GOOD_ENOUGH: f64 = 0.5;
/// Side of the first simplex, as a share of each range.
const STEP: f64 = 0.15;
/// The refinement has stalled when this many simplexes' worth of
/// candidates in a row (2(d + 1)) bring the best misfit down by less than
/// `STALL_GAIN`: the misfit of one figure moving from exact to about a
/// fifth of its tolerance, below what the replications can tell apart.
/// Nelder-Mead would otherwise creep on through points a thousandth of a
/// range apart (measured on the Halton baseline: 20 of 60 candidates).
pub const STALL_GAIN: f64 = 0.05;

pub(crate) struct Found {
    pub best: Vec<f64>,
    pub runs: Vec<Run>,
    pub stopped: String,
}

/// Why evaluation stopped early.
enum Halt {
    Spent,
    Close,
    /// After this many candidates in a row without a gain.
    Stalled(usize),
    Failed(CalibrationError),
}

/// The observed figures a search answers to: all of them, or all but
/// those left to another stage.
pub(crate) struct Target<'a> {
    observed: &'a [Observation],
    counted: Vec<bool>,
}

impl<'a> Target<'a> {
    pub fn all(observed: &'a [Observation]) -> Target<'a> {
        Target { observed, counted: vec![true; observed.len()] }
    }

    /// Every figure but those `left` (if that leaves any).
    pub fn without(observed: &'a [Observation], left: &[bool]) -> Target<'a> {
        let counted: Vec<bool> = left.iter().map(|l| !l).collect();
        if counted.contains(&true) { Target { observed, counted } } else { Target::all(observed) }
    }

    fn counted(&self) -> impl Iterator<Item = (&Observation, usize)> {
        self.observed.iter().enumerate().filter(|(j, _)| self.counted[*j]).map(|(j, o)| (o, j))
    }

    /// The sum over the figures counted of ln(1 + d²), d in tolerances.
    pub fn misfit(&self, means: &[f64]) -> f64 {
        self.counted().map(|(o, j)| o.misfit(means[j]).min(1e3).powi(2).ln_1p()).sum()
    }

    /// Whether every figure counted is within `GOOD_ENOUGH` of its
    /// tolerance.
    fn close(&self, means: &[f64]) -> bool {
        self.counted().all(|(o, j)| o.misfit(means[j]).abs() <= GOOD_ENOUGH)
    }
}

struct Problem<'a> {
    evaluate: &'a (dyn Fn(&[f64]) -> Result<Run, CalibrationError> + Sync),
    runs: Mutex<Vec<Run>>,
    halt: Mutex<Option<Halt>>,
    max_runs: usize,
    /// Once refining: the candidates simulated before it began, and how
    /// many in a row without a gain of `STALL_GAIN` stop it.
    stall: Option<(usize, usize)>,
    target: &'a Target<'a>,
    progress: &'a (dyn Fn(&Run, usize) + Sync),
    stop: &'a AtomicBool,
}

impl Problem<'_> {
    /// The misfit at `t`, simulating it unless a candidate with the same
    /// values has been.
    fn at(&self, t: &[f64]) -> Result<f64, Halt> {
        let inside: Vec<f64> = t.iter().map(|x| x.clamp(0.0, 1.0)).collect();
        // Outside the ranges: the edge's misfit, and more the further out.
        let outside: f64 = t.iter().zip(&inside).map(|(a, b)| (a - b).powi(2)).sum::<f64>() * 10.0;
        let same = |r: &Run| r.t.iter().zip(&inside).all(|(a, b)| (a - b).abs() < 1e-4);
        if let Some(r) = self.runs.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|r| same(r)) {
            return Ok(r.misfit + outside);
        }
        if self.stop.load(Ordering::SeqCst) {
            return Err(Halt::Failed(RunError::Interrupted.into()));
        }
        if self.runs.lock().unwrap_or_else(|e| e.into_inner()).len() >= self.max_runs {
            return Err(Halt::Spent);
        }
        let run = (self.evaluate)(&inside).map_err(Halt::Failed)?;
        let (misfit, done) = (run.misfit, self.target.close(&run.means));
        let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.push(run);
        (self.progress)(runs.last().expect("just pushed"), runs.len());
        if done {
            return Err(Halt::Close);
        }
        if self.stall.is_some_and(|(from, window)| stalled(&runs, from, window)) {
            return Err(Halt::Stalled(self.stall.map_or(0, |(_, w)| w)));
        }
        Ok(misfit + outside)
    }

    fn best(&self) -> Option<Run> {
        let runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.iter().min_by(|a, b| a.misfit.total_cmp(&b.misfit)).cloned()
    }
}

/// The problem as argmin takes it (by value), still owned by the search.
struct Cost<'p, 'a>(&'p Problem<'a>);

impl CostFunction for Cost<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, t: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        self.0.at(t).map_err(|halt| {
            let why = match halt {
                Halt::Spent => "spent",
                Halt::Close => "close",
                Halt::Stalled(_) => "stalled",
                Halt::Failed(_) => "failed",
            };
            *self.0.halt.lock().unwrap_or_else(|e| e.into_inner()) = Some(halt);
            argmin::core::Error::msg(why)
        })
    }
}

/// Search from a design of `points` points, `start` first, then
/// Nelder-Mead from the best of them.
pub(super) fn minimise(
    start: &[f64],
    points: usize,
    max_runs: usize,
    target: &Target,
    evaluate: &(dyn Fn(&[f64]) -> Result<Run, CalibrationError> + Sync),
    progress: &(dyn Fn(&Run, usize) + Sync),
    stop: &AtomicBool,
) -> Result<Found, CalibrationError> {
    let mut p = Problem {
        evaluate,
        runs: Mutex::new(Vec::new()),
        halt: Mutex::new(None),
        max_runs,
        stall: None,
        target,
        progress,
        stop,
    };
    let d = start.len();
    let mut design = vec![start.to_vec()];
    design.extend((1..points).map(|i| halton(i, d)));
    let mut stopped = None;
    for t in &design {
        match p.at(t) {
            Ok(_) => {}
            Err(halt) => {
                stopped = Some(words(halt)?);
                break;
            }
        }
    }
    if stopped.is_none() {
        let designed = p.runs.lock().unwrap_or_else(|e| e.into_inner()).len();
        p.stall = Some((designed, 2 * (d + 1)));
        stopped = Some(refine(&p)?);
    }
    let best = p.best().ok_or(RunError::Interrupted)?;
    let runs = p.runs.into_inner().unwrap_or_else(|e| e.into_inner());
    debug_assert!(runs.iter().all(|r| r.means.len() == target.observed.len()));
    Ok(Found { best: best.t, runs, stopped: stopped.unwrap_or_default() })
}

/// Points in the first design for `d` unknowns, the start among them.
pub fn design_size(d: usize) -> usize {
    (2 * d + 2).max(6)
}

/// Nelder-Mead from the best point so far; how it stopped, in words.
fn refine(p: &Problem) -> Result<String, CalibrationError> {
    let best = p.best().ok_or(RunError::Interrupted)?.t;
    let mut simplex = vec![best.clone()];
    for i in 0..best.len() {
        let mut v = best.clone();
        v[i] = if v[i] + STEP <= 1.0 { v[i] + STEP } else { v[i] - STEP };
        simplex.push(v);
    }
    // argmin's Nelder-Mead cannot stop while it simulates its first
    // simplex (it unwraps those costs), so the vertices are simulated here,
    // in its order, and it finds them done.
    for v in &simplex {
        if let Err(halt) = p.at(v) {
            return words(halt);
        }
    }
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(1e-3)
        .map_err(|e| CalibrationError::Search { message: e.to_string() })?;
    let result = Executor::new(Cost(p), solver).configure(|s| s.max_iters(1_000)).run();
    if let Some(halt) = p.halt.lock().unwrap_or_else(|e| e.into_inner()).take() {
        return words(halt);
    }
    result.map_err(|e| CalibrationError::Search { message: e.to_string() })?;
    Ok("it stopped improving (the simplex closed)".into())
}

/// Why the search stopped, in words, or the error that stopped it.
fn words(halt: Halt) -> Result<String, CalibrationError> {
    match halt {
        Halt::Spent => Ok("the candidates it was allowed were spent".into()),
        Halt::Close => Ok("every observed figure it was fitting was within half its tolerance".into()),
        Halt::Stalled(window) => Ok(format!(
            "it stopped improving (the last {window} candidates brought the misfit down by less than \
{STALL_GAIN})"
        )),
        Halt::Failed(e) => Err(e),
    }
}

/// Whether the last `window` candidates, all made after the first `from`,
/// brought the best misfit down by less than `STALL_GAIN`.
fn stalled(runs: &[Run], from: usize, window: usize) -> bool {
    if runs.len() < from + window {
        return false;
    }
    let best = |rs: &[Run]| rs.iter().map(|r| r.misfit).fold(f64::INFINITY, f64::min);
    best(&runs[..runs.len() - window]) - best(runs) < STALL_GAIN
}

/// Point `i` of the Halton sequence in `d` dimensions (bases 2, 3, 5, ...):
/// spread evenly over the cube, the same every time.
fn halton(i: usize, d: usize) -> Vec<f64> {
    const PRIMES: [usize; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    (0..d)
        .map(|k| {
            let b = PRIMES[k % PRIMES.len()];
            let (mut f, mut r, mut n) = (1.0, 0.0, i);
            while n > 0 {
                f /= b as f64;
                r += f * (n % b) as f64;
                n /= b;
            }
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Run, STALL_GAIN, halton, stalled};

    fn runs(misfits: &[f64]) -> Vec<Run> {
        misfits.iter().map(|&misfit| Run { t: vec![0.5], means: Vec::new(), misfit }).collect()
    }

    #[test]
    fn the_refinement_stalls_only_after_a_full_window_without_a_real_gain() {
        // Two design runs, then a window of 4.
        let creeping = runs(&[3.0, 5.0, 2.99, 2.98, 2.97, 2.96]);
        assert!(stalled(&creeping, 2, 4), "gains of 0.04 in all are below {STALL_GAIN}");
        assert!(!stalled(&creeping[..5], 2, 4), "the window is not yet full");
        let improving = runs(&[3.0, 5.0, 2.99, 2.98, 2.97, 2.5]);
        assert!(!stalled(&improving, 2, 4));
        // A gain made before the window does not keep the search going.
        let early = runs(&[3.0, 5.0, 1.0, 1.01, 1.02, 1.03, 1.0]);
        assert!(stalled(&early, 2, 4));
    }

    #[test]
    fn halton_points_lie_in_the_cube_and_differ() {
        let pts: Vec<Vec<f64>> = (1..8).map(|i| halton(i, 3)).collect();
        assert!(pts.iter().flatten().all(|x| (0.0..1.0).contains(x)));
        assert_eq!(halton(1, 2), vec![0.5, 1.0 / 3.0]);
        assert_ne!(pts[0], pts[1]);
    }
}
