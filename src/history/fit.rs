//! Fitting demand to history: a Poisson model of counts with one of two
//! trend forms,
//!
//! ```text
//! log-linear:  E[count] = days x exp(a + b t          + sum of step terms + month effect)
//! damped:      E[count] = days x exp(a + b D(t; phi)  + sum of step terms + month effect)
//!              D(t; phi) = (1 - phi^t) / (1 - phi),   0.1 <= phi <= 1
//! ```
//!
//! with `t` in years from the date the rate is given for (`at`), so `a` is
//! the log-level there and `b` the log-growth over the year after it.
//! Under the damped form each year's log-growth is `phi` times the year
//! before's (b, b phi, b phi^2, ...), so demand levels off at a ceiling
//! `exp(a + b / (1 - phi))`; it is a Gompertz curve,
//! `log K - c exp(-r t)` with `r = -ln phi`, written so that `phi = 1` is
//! the log-linear form. It is the form chosen here because it adds one
//! parameter to the log-linear fit and contains it (the two nest, so they
//! compare on equal terms), and because from 4-10 annual or 24-72 monthly
//! points a damping rate is identifiable where a logistic's ceiling and
//! midpoint, both far outside the data while growth is still steep, are
//! not. Scenario files carry it as `damping = phi` beside
//! `trend_per_year = exp(b) - 1`.
//!
//! For a fixed `phi` the model is a Poisson regression, fitted by
//! Newton-Raphson (iteratively reweighted least squares); `phi` is chosen
//! by profile likelihood (a grid over [0.1, 1], then golden section).
//! Over-dispersion is estimated by the method of moments; standard errors
//! come from the information matrix (with a column for `phi` in the damped
//! form), inflated by the Pearson dispersion when counts vary more than
//! Poisson, and become the forecast's level and trend uncertainty. When
//! they rest on few residual degrees of freedom `nu`, they are widened by
//! `t_nu(0.90) / z(0.90)`, so that an 80% band has its small-sample width
//! (x2.4 at `nu = 1`, x1.15 at `nu = 5`, x1.07 at `nu = 10`).
//!
//! Choosing the form (`trend = "auto"`, the default): rolling-origin
//! evaluation within the data. From each origin (at least half the data
//! and enough points to fit the damped form with one to spare) both forms
//! are fitted to the periods before it and forecast the total of the next
//! year's periods; the error is `|ln((actual + 0.5) / (forecast + 0.5))|`,
//! averaged over origins. The damped form wins only when its error is
//! below 0.8 of the log-linear's, lower by more than the noise alone would
//! make a year's total (its relative standard deviation under the
//! log-linear fit, Poisson and dispersion), and its `phi` is below 0.98;
//! otherwise, and whenever there are too few periods to compare, the
//! simpler log-linear form is kept.
//!
//! Checks: a fit resting on fewer than 4 periods after its last step
//! change (or fewer than its parameters + 2) is warned about; each count is
//! compared with a fit to the others (leave one out) and one more than
//! 5 standard deviations off is flagged, and refused when it is also 100
//! times too big or too small (a mistyped count); growth of more than
//! tenfold (or less than a tenth) a year, and levels or uncertainties that
//! are not finite, are refused: `fit` never prints what a scenario would
//! refuse.

use chrono::{Datelike, NaiveDate};

use super::read::{Point, Span};
use crate::units::{DAYS_PER_MONTH, DAYS_PER_YEAR, Z90};

/// Monthly seasonality is fitted only from this many months of data.
pub const MIN_MONTHS_FOR_SEASONALITY: usize = 24;
/// A trend resting on fewer periods (after its last step change) is warned about.
pub const MIN_PERIODS_FOR_TREND: usize = 4;
/// The smallest yearly damping factor fitted.
pub const MIN_DAMPING: f64 = 0.1;
/// The damped form must forecast at least this much better than the
/// log-linear one (its held-out error as a share of the other's).
const DAMPED_MUST_BEAT: f64 = 0.8;
/// A damping factor this close to 1 is the log-linear form.
const DAMPING_NEGLIGIBLE: f64 = 0.98;
/// A count this many standard deviations from a fit to the others is flagged.
const OUTLIER_Z: f64 = 5.0;
/// ... and refused when it is also this many times too big or too small.
const GROSS_RATIO: f64 = 100.0;
/// Growth beyond this factor a year (or below its inverse) is refused.
const MAX_GROWTH_FACTOR: f64 = 10.0;
/// A fitted level beyond this many times the highest rate seen is refused.
const MAX_LEVEL_FACTOR: f64 = 1000.0;
/// Uncertainty and noise beyond these are refused: a forecast drawn from
/// them would be noise (and could flood a simulation with arrivals).
const MAX_LEVEL_CV: f64 = 2.0;
const MAX_TREND_SD: f64 = 1.0;
const MAX_DISPERSION: f64 = 4.0;

/// The shape of the trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendForm {
    /// Constant growth: log-rate a + b t.
    LogLinear,
    /// Growth that shrinks by a factor phi a year toward a ceiling.
    Damped,
}

impl TrendForm {
    pub const NAMES: [&'static str; 3] = ["auto", "log_linear", "damped"];

    pub fn name(self) -> &'static str {
        match self {
            TrendForm::LogLinear => "log_linear",
            TrendForm::Damped => "damped",
        }
    }

    /// `auto` is `None`: choose on held-out error.
    pub fn parse(s: &str) -> Option<Option<TrendForm>> {
        match s {
            "auto" => Some(None),
            "log_linear" | "log-linear" => Some(Some(TrendForm::LogLinear)),
            "damped" => Some(Some(TrendForm::Damped)),
            _ => None,
        }
    }
}

/// The log-growth multiplier of a damped trend at `t` years: the sum of
/// the yearly growth factors 1 + phi + phi^2 + ..., `(1 - phi^t) / (1 - phi)`,
/// which is `t` itself when `phi = 1`.
pub fn damped_years(t: f64, phi: f64) -> f64 {
    if (1.0 - phi).abs() < 1e-12 {
        t
    } else {
        let l = phi.ln();
        (t * l).exp_m1() / l.exp_m1()
    }
}

/// What to fit and where to project it.
#[derive(Debug, Clone, Default)]
pub struct FitOptions {
    /// Use periods starting on or after this date only.
    pub from: Option<NaiveDate>,
    /// Use periods ending on or before this date only.
    pub until: Option<NaiveDate>,
    /// Dates of known step changes (Cheshire West: 2014-03-19).
    pub steps: Vec<NaiveDate>,
    /// The date the fitted rate is given for (a scenario's start); by
    /// default the end of the data used.
    pub at: Option<NaiveDate>,
    /// The trend form; `None` chooses on held-out error.
    pub trend: Option<TrendForm>,
}

/// How the trend form was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// The form asked for, or `None` for a choice on held-out error.
    pub asked: Option<TrendForm>,
    /// Year-ahead forecasts made from origins inside the data (0 when too
    /// few periods to compare).
    pub forecasts: usize,
    /// Mean absolute log error of those forecasts: log-linear, damped.
    pub errors: Option<(f64, f64)>,
    /// The noise alone in those forecasts (relative standard deviation):
    /// the damped form must beat the log-linear by more than this.
    pub noise: f64,
    /// Periods a comparison needs.
    pub needed: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub name: String,
    pub points: usize,
    pub first: Span,
    pub last: Span,
    /// The date `per_year` is for.
    pub at: NaiveDate,
    pub per_year: f64,
    /// Growth over the year after `at`.
    pub trend_per_year: f64,
    pub form: TrendForm,
    /// Each year's log-growth as a share of the year before's (1 for the
    /// log-linear form), and its standard error (NaN when not identified).
    pub damping: f64,
    pub damping_se: f64,
    pub selection: Selection,
    /// Twelve multipliers, January first, averaging 1; empty when not fitted.
    pub seasonality: Vec<f64>,
    pub dispersion: f64,
    /// Fitted multipliers of the step changes, in date order.
    pub steps: Vec<(NaiveDate, f64)>,
    /// Standard error of log(per_year) at `at`, and of the log-growth.
    pub level_cv: f64,
    pub trend_sd: f64,
    /// Pearson chi-squared over residual degrees of freedom.
    pub pearson_ratio: f64,
    pub mean_abs_pct_error: f64,
    /// What the user should know before trusting the fit.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    TooFew {
        name: String,
        points: usize,
    },
    /// The damped form asked for needs more periods.
    TooFewForDamped {
        name: String,
        points: usize,
        needed: usize,
    },
    AllZero {
        name: String,
    },
    /// `steps`: how many step changes the fit had; `jump`: the row whose
    /// count changes most from the one before, the likeliest culprit.
    NoConvergence {
        name: String,
        steps: usize,
        jump: Option<Jump>,
    },
    /// A period far from the others: a mistyped date, most likely.
    Gap {
        name: String,
        line: u64,
        period: String,
        other: String,
        years: f64,
    },
    /// A count far off what the others predict.
    Outlier {
        name: String,
        period: String,
        line: u64,
        count: f64,
        expected: f64,
    },
    /// A fitted value no forecast should use.
    Absurd {
        name: String,
        what: String,
    },
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitError::TooFew { name, points } => {
                write!(f, "'{name}': {points} periods are too few to fit a level and a trend (need at least 2)")
            }
            FitError::TooFewForDamped { name, points, needed } => write!(
                f,
                "'{name}': a damped trend needs at least {needed} periods here and there are {points}; use the log-linear trend or more history"
            ),
            FitError::AllZero { name } => write!(f, "'{name}': every count is zero, so there is no rate to fit"),
            FitError::NoConvergence { name, steps: 0, jump } => write!(
                f,
                "'{name}': the fit did not converge{}; look for counts that fall to zero or jump (a step change to give with --step, or a mistyped count), or fit a shorter window with --from/--until",
                jump.as_ref().map_or(String::new(), Jump::said)
            ),
            FitError::NoConvergence { name, jump, .. } => write!(
                f,
                "'{name}': the fit did not converge{}; try fewer step changes, or check that each has periods on both sides",
                jump.as_ref().map_or(String::new(), Jump::said)
            ),
            FitError::Gap { name, line, period, other, years } => write!(
                f,
                "'{name}': line {line}, column period: {period} is {years:.0} years from the nearest other period ({other}); check the date for a typing error, or fit the periods on one side with --from/--until"
            ),
            FitError::Outlier { name, period, line, count, expected } => {
                let ratio = (count + 0.5) / (expected + 0.5);
                let how = if ratio >= 1.0 {
                    format!("{} times", crate::format::thousands(ratio))
                } else {
                    format!("1/{} of", crate::format::thousands(1.0 / ratio))
                };
                write!(
                    f,
                    "'{name}': the count for {period} ({}{}) is {how} what the other periods predict (about {}); check it for a typing error, and correct or delete the line",
                    crate::format::thousands(*count),
                    if *line > 0 { format!(", line {line}") } else { String::new() },
                    crate::format::thousands(*expected)
                )
            }
            FitError::Absurd { name, what } => write!(f, "'{name}': {what}"),
        }
    }
}

/// Solve `a x = b` for symmetric positive definite `a` (Cholesky), or
/// None when it is singular.
fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d.is_nan() || d <= 1e-12 * a[i][i].abs().max(1e-300) {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    Some(x)
}

fn inverse(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut cols = Vec::with_capacity(n);
    for j in 0..n {
        let mut e = vec![0.0; n];
        e[j] = 1.0;
        cols.push(solve(a, &e)?);
    }
    Some((0..n).map(|i| (0..n).map(|j| cols[j][i]).collect()).collect())
}

fn years_between(a: NaiveDate, b: NaiveDate) -> f64 {
    (b - a).num_days() as f64 / DAYS_PER_YEAR
}

fn midpoint(s: &Span) -> NaiveDate {
    s.start + chrono::TimeDelta::days((s.end - s.start).num_days() / 2)
}

/// Share of the span on or after `date`.
fn after(s: &Span, date: NaiveDate) -> f64 {
    if date <= s.start {
        1.0
    } else if date >= s.end {
        0.0
    } else {
        (s.end - date).num_days() as f64 / s.days()
    }
}

fn is_month(s: &Span) -> bool {
    s.start.day() == 1
        && s.end.day() == 1
        && (s.end.year() * 12 + s.end.month() as i32) - (s.start.year() * 12 + s.start.month() as i32) == 1
}

/// 95th percentile of chi-squared with 11 degrees of freedom: the test
/// monthly seasonality must pass to be kept.
const CHI2_11_95: f64 = 19.675;

/// The terms of one fit: which steps, whether monthly effects, and the
/// date time is measured from.
#[derive(Clone, Copy)]
struct Terms<'a> {
    steps: &'a [NaiveDate],
    seasonal: bool,
    at: NaiveDate,
}

impl Terms<'_> {
    /// Coefficients besides the damping: level, growth, steps, months.
    fn count(&self) -> usize {
        2 + self.steps.len() + if self.seasonal { 11 } else { 0 }
    }

    /// Coefficients of a form, the damping included.
    fn params(&self, form: TrendForm) -> usize {
        self.count() + usize::from(form == TrendForm::Damped)
    }

    fn years(&self, s: &Span) -> f64 {
        years_between(self.at, midpoint(s))
    }

    fn row(&self, s: &Span, phi: f64) -> Vec<f64> {
        let mut x = vec![1.0, damped_years(self.years(s), phi)];
        x.extend(self.steps.iter().map(|&d| after(s, d)));
        if self.seasonal {
            let m = s.start.month0() as usize;
            x.extend((1..12).map(|k| if m == k { 1.0 } else { 0.0 }));
        }
        x
    }

    /// Every step has periods on both sides.
    fn straddled_by(&self, pts: &[&Point]) -> bool {
        self.steps
            .iter()
            .all(|&d| pts.iter().any(|p| after(&p.span, d) > 0.0) && pts.iter().any(|p| after(&p.span, d) < 1.0))
    }
}

/// One fitted model.
#[derive(Clone)]
struct Estimate {
    phi: f64,
    beta: Vec<f64>,
    /// Covariance of `beta` (and of `phi`, last, in a damped fit whose
    /// damping is identified).
    cov: Vec<Vec<f64>>,
    phi_se: f64,
    mus: Vec<f64>,
    deviance: f64,
    pearson: f64,
}

impl Estimate {
    fn predict(&self, terms: &Terms, s: &Span) -> f64 {
        s.days() * terms.row(s, self.phi).iter().zip(&self.beta).map(|(x, b)| x * b).sum::<f64>().exp()
    }
}

/// A count that changes most from the one before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Jump {
    pub line: u64,
    pub period: String,
    pub count: f64,
    pub before: f64,
}

impl Jump {
    fn said(&self) -> String {
        format!(
            " (the largest change is at line {}, column count: {} in {} after {})",
            self.line,
            crate::format::thousands(self.count),
            self.period,
            crate::format::thousands(self.before)
        )
    }

    fn largest(pts: &[&Point]) -> Option<Jump> {
        let change = |w: &[&Point]| ((w[1].count + 0.5) / (w[0].count + 0.5)).ln().abs();
        let w = pts.windows(2).max_by(|a, b| change(a).total_cmp(&change(b)))?;
        Some(Jump { line: w[1].line, period: w[1].span.label(), count: w[1].count, before: w[0].count })
    }
}

/// A point far from both its neighbours in time: more than five years
/// and more than twelve of the file's usual periods.
fn gap(name: &str, pts: &[&Point]) -> Result<(), FitError> {
    let mut days: Vec<f64> = pts.iter().map(|p| p.span.days()).collect();
    days.sort_by(f64::total_cmp);
    let usual = days.get(days.len() / 2).copied().unwrap_or(1.0);
    let limit = (5.0 * DAYS_PER_YEAR).max(12.0 * usual);
    let apart = |a: &Point, b: &Point| (b.span.start - a.span.end).num_days() as f64;
    for (i, p) in pts.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| apart(pts[j], p));
        let after = pts.get(i + 1).map(|q| apart(p, q));
        let nearest = match (before, after) {
            (Some(b), Some(a)) => b.min(a),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => 0.0,
        };
        if nearest > limit {
            // The far one of the two ends is the odd one out.
            let other = if before.is_some_and(|b| Some(b) == Some(nearest)) { pts[i - 1] } else { pts[i + 1] };
            return Err(FitError::Gap {
                name: name.into(),
                line: p.line,
                period: p.span.label(),
                other: other.span.label(),
                years: nearest / DAYS_PER_YEAR,
            });
        }
    }
    Ok(())
}

/// The model for a fixed damping `phi` (1: log-linear).
fn estimate(name: &str, pts: &[&Point], terms: &Terms, phi: f64) -> Result<Estimate, FitError> {
    let p = terms.count();
    let no_convergence =
        || FitError::NoConvergence { name: name.into(), steps: terms.steps.len(), jump: Jump::largest(pts) };
    if pts.len() < p {
        // Not enough points for the steps or seasonality asked for.
        return Err(FitError::TooFew { name: name.into(), points: pts.len() });
    }
    let xs: Vec<Vec<f64>> = pts.iter().map(|pt| terms.row(&pt.span, phi)).collect();
    let ys: Vec<f64> = pts.iter().map(|pt| pt.count).collect();
    let days: Vec<f64> = pts.iter().map(|pt| pt.span.days()).collect();
    let mut beta = vec![0.0; p];
    beta[0] = (ys.iter().sum::<f64>() / days.iter().sum::<f64>()).ln();
    let mu_of = |beta: &[f64], i: usize| days[i] * xs[i].iter().zip(beta).map(|(x, b)| x * b).sum::<f64>().exp();
    let mut info = vec![vec![0.0; p]; p];
    let mut converged = false;
    for _ in 0..100 {
        let mut score = vec![0.0; p];
        info = vec![vec![0.0; p]; p];
        for i in 0..ys.len() {
            let mu = mu_of(&beta, i);
            for a in 0..p {
                score[a] += xs[i][a] * (ys[i] - mu);
                for b in 0..p {
                    info[a][b] += xs[i][a] * xs[i][b] * mu;
                }
            }
        }
        let Some(step) = solve(&info, &score) else {
            return Err(no_convergence());
        };
        // Damp big steps so a poor start cannot overflow exp().
        let size = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
        let scale = if size > 2.0 { 2.0 / size } else { 1.0 };
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += scale * s;
        }
        if size < 1e-10 {
            converged = true;
            break;
        }
    }
    if !converged || beta.iter().any(|b| !b.is_finite()) {
        return Err(no_convergence());
    }
    let mus: Vec<f64> = (0..ys.len()).map(|i| mu_of(&beta, i)).collect();
    let pearson: f64 = ys.iter().zip(&mus).map(|(y, m)| (y - m).powi(2) / m).sum();
    let deviance: f64 =
        2.0 * ys.iter().zip(&mus).map(|(&y, &m)| if y > 0.0 { y * (y / m).ln() - (y - m) } else { m }).sum::<f64>();
    if !deviance.is_finite() {
        return Err(no_convergence());
    }
    let cov = inverse(&info).unwrap_or_else(|| vec![vec![f64::INFINITY; p]; p]);
    Ok(Estimate { phi, beta, cov, phi_se: 0.0, mus, deviance, pearson })
}

/// The damped form: the damping by profile likelihood, then the
/// covariance of every coefficient with the damping's uncertainty in it.
fn estimate_damped(name: &str, pts: &[&Point], terms: &Terms) -> Result<Estimate, FitError> {
    if pts.len() < terms.params(TrendForm::Damped) {
        return Err(FitError::TooFewForDamped {
            name: name.into(),
            points: pts.len(),
            needed: terms.params(TrendForm::Damped),
        });
    }
    let deviance = |phi: f64| estimate(name, pts, terms, phi).map_or(f64::INFINITY, |e| e.deviance);
    let grid: Vec<f64> = (0..=18).map(|i| MIN_DAMPING + 0.05 * i as f64).collect();
    let devs: Vec<f64> = grid.iter().map(|&phi| deviance(phi)).collect();
    let best = (0..grid.len()).min_by(|&a, &b| devs[a].total_cmp(&devs[b])).expect("a grid");
    if !devs[best].is_finite() {
        return Err(FitError::NoConvergence { name: name.into(), steps: terms.steps.len(), jump: Jump::largest(pts) });
    }
    // Golden section between the best point's neighbours.
    let (mut lo, mut hi) = (grid[best.saturating_sub(1)], grid[(best + 1).min(grid.len() - 1)]);
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (hi - g * (hi - lo), lo + g * (hi - lo));
    let (mut fc, mut fd) = (deviance(c), deviance(d));
    for _ in 0..30 {
        if fc < fd {
            hi = d;
            d = c;
            fd = fc;
            c = hi - g * (hi - lo);
            fc = deviance(c);
        } else {
            lo = c;
            c = d;
            fc = fd;
            d = lo + g * (hi - lo);
            fd = deviance(d);
        }
    }
    let (phi, dev) = [(grid[best], devs[best]), (c, fc), (d, fd)]
        .into_iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("candidates");
    let phi = if dev.is_finite() { phi } else { grid[best] };
    let mut e = estimate(name, pts, terms, phi)?;
    // Information with a column for the damping: d(log mu)/d(phi) =
    // b dD/dphi, by central differences inside [MIN_DAMPING, 1].
    let h = 1e-5;
    let (pa, pb) = ((phi - h).max(MIN_DAMPING), (phi + h).min(1.0));
    let p = e.beta.len();
    let mut info = vec![vec![0.0; p + 1]; p + 1];
    for (i, pt) in pts.iter().enumerate() {
        let mut x = terms.row(&pt.span, phi);
        let t = terms.years(&pt.span);
        x.push(e.beta[1] * (damped_years(t, pb) - damped_years(t, pa)) / (pb - pa));
        for a in 0..=p {
            for b in 0..=p {
                info[a][b] += x[a] * x[b] * e.mus[i];
            }
        }
    }
    match inverse(&info) {
        Some(cov) => {
            e.phi_se = cov[p][p].max(0.0).sqrt();
            e.cov = cov;
        }
        None => e.phi_se = f64::NAN,
    }
    Ok(e)
}

/// Periods to a year, by the typical period's length.
fn periods_a_year(pts: &[&Point]) -> usize {
    let mut days: Vec<f64> = pts.iter().map(|p| p.span.days()).collect();
    days.sort_by(f64::total_cmp);
    let median = days[days.len() / 2].max(1.0);
    ((DAYS_PER_YEAR / median).round() as usize).max(1)
}

/// Most origins a comparison uses (spread evenly when there are more).
const MAX_ORIGINS: usize = 12;

/// The outcome of a rolling-origin comparison.
struct HeldOut {
    /// Periods a comparison needs.
    needed: usize,
    forecasts: usize,
    /// Mean absolute log errors: log-linear, damped.
    errors: Option<(f64, f64)>,
    /// Mean relative standard deviation of the totals forecast, from the
    /// noise alone: differences in error below it are chance.
    noise: f64,
}

/// Rolling-origin comparison of the two forms: the mean absolute log
/// error of year-ahead totals forecast from origins inside the data.
fn held_out(name: &str, pts: &[&Point], terms: &Terms) -> HeldOut {
    let n = pts.len();
    let h = periods_a_year(pts).min(n);
    let needed_train = (terms.params(TrendForm::Damped) + 1).max(n.div_ceil(2));
    let needed = needed_train + h;
    let none = HeldOut { needed, forecasts: 0, errors: None, noise: 0.0 };
    if n < needed {
        return none;
    }
    let origins: Vec<usize> = (needed_train..=n - h).collect();
    let stride = origins.len().div_ceil(MAX_ORIGINS);
    let (mut sum_l, mut sum_d, mut noise, mut count) = (0.0, 0.0, 0.0, 0);
    let months = |d: f64| (d / DAYS_PER_MONTH).max(1.0);
    for &k in origins.iter().rev().step_by(stride) {
        let train = &pts[..k];
        if !terms.straddled_by(train) {
            continue;
        }
        let (Ok(l), Ok(d)) = (estimate(name, train, terms, 1.0), estimate_damped(name, train, terms)) else {
            continue;
        };
        let window = &pts[k..k + h];
        let actual: f64 = window.iter().map(|p| p.count).sum();
        let err = |e: &Estimate| {
            let forecast: f64 = window.iter().map(|p| e.predict(terms, &p.span)).sum();
            ((actual + 0.5) / (forecast + 0.5)).ln().abs()
        };
        let (el, ed) = (err(&l), err(&d));
        // Poisson and gamma noise of the total, by the log-linear fit.
        let ys: Vec<f64> = train.iter().map(|p| p.count).collect();
        let days: Vec<f64> = train.iter().map(|p| p.span.days()).collect();
        let v = moment_dispersion(&ys, &l.mus, &days);
        let mus: Vec<f64> = window.iter().map(|p| l.predict(terms, &p.span)).collect();
        let var: f64 = mus.iter().zip(window).map(|(m, p)| m + v * m * m / months(p.span.days())).sum();
        let sd = var.sqrt() / mus.iter().sum::<f64>();
        if el.is_finite() && ed.is_finite() && sd.is_finite() {
            sum_l += el;
            sum_d += ed;
            noise += sd;
            count += 1;
        }
    }
    if count == 0 {
        return none;
    }
    let c = count as f64;
    HeldOut { needed, forecasts: count, errors: Some((sum_l / c, sum_d / c)), noise: noise / c }
}

/// Over-dispersion by moments: Var = mu + v mu^2 / k for a period of k
/// months of independent monthly multipliers of variance v.
fn moment_dispersion(ys: &[f64], mus: &[f64], days: &[f64]) -> f64 {
    let k = |d: f64| (d / DAYS_PER_MONTH).max(1.0);
    let num: f64 = ys.iter().zip(mus).map(|(y, m)| (y - m).powi(2) - m).sum();
    let den: f64 = mus.iter().zip(days).map(|(m, &d)| m * m / k(d)).sum();
    if den > 0.0 { (num / den).max(0.0) } else { 0.0 }
}

/// A count far from what a fit to the other counts predicts.
struct Outlier {
    index: usize,
    z: f64,
    expected: f64,
}

/// Largest series checked point by point (leave one out); longer ones are
/// checked against the fit to all of them.
const MAX_LEAVE_ONE_OUT: usize = 200;

/// Each count against a fit to the others with the same terms and damping:
/// its standardised error, with the noise (Poisson and dispersion) and the
/// uncertainty of the prediction.
fn outliers(name: &str, pts: &[&Point], terms: &Terms, e: &Estimate, params: usize) -> Vec<Outlier> {
    let n = pts.len();
    let k = |d: f64| (d / DAYS_PER_MONTH).max(1.0);
    let mut out = Vec::new();
    if n > MAX_LEAVE_ONE_OUT {
        let days: Vec<f64> = pts.iter().map(|p| p.span.days()).collect();
        let ys: Vec<f64> = pts.iter().map(|p| p.count).collect();
        let v = moment_dispersion(&ys, &e.mus, &days);
        for (i, (&y, &m)) in ys.iter().zip(&e.mus).enumerate() {
            let z = (y - m) / (m + v * m * m / k(days[i])).sqrt();
            if z.abs() > OUTLIER_Z {
                out.push(Outlier { index: i, z, expected: m });
            }
        }
        return out;
    }
    // The others must leave at least two residual degrees of freedom.
    if n < params + 3 {
        return out;
    }
    for i in 0..n {
        let others: Vec<&Point> = pts.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| *p).collect();
        if !terms.straddled_by(&others) {
            continue;
        }
        let Ok(f) = estimate(name, &others, terms, e.phi) else { continue };
        let days: Vec<f64> = others.iter().map(|p| p.span.days()).collect();
        let ys: Vec<f64> = others.iter().map(|p| p.count).collect();
        let v = moment_dispersion(&ys, &f.mus, &days);
        let ratio = (f.pearson / (others.len() - terms.count()) as f64).max(1.0);
        let s = &pts[i].span;
        let x = terms.row(s, e.phi);
        let p = x.len();
        let var_log: f64 = (0..p).map(|a| (0..p).map(|b| x[a] * f.cov[a][b] * x[b]).sum::<f64>()).sum::<f64>() * ratio;
        let m = f.predict(terms, s);
        let var = m + v * m * m / k(s.days()) + m * m * var_log.max(0.0);
        let z = (pts[i].count - m) / var.sqrt();
        if z.abs() > OUTLIER_Z && m.is_finite() {
            out.push(Outlier { index: i, z, expected: m });
        }
    }
    out
}

pub fn fit(name: &str, points: &[Point], opts: &FitOptions) -> Result<Fit, FitError> {
    let pts = window(name, points, opts)?;
    let n = pts.len();
    let (first, last) = (pts[0].span, pts[n - 1].span);
    let at = opts.at.unwrap_or(last.end);
    let steps = steps_inside(&pts, &opts.steps);
    let plain_terms = Terms { steps: &steps, seasonal: false, at };
    let plain = estimate(name, &pts, &plain_terms, 1.0)?;
    let seasonal = seasonality_shows(name, &pts, plain_terms, &plain);
    let terms = Terms { seasonal, ..plain_terms };
    let log_linear = if seasonal { estimate(name, &pts, &terms, 1.0)? } else { plain };
    let (form, e, selection) = choose_form(name, &pts, &terms, opts.trend, &log_linear)?;

    let params = terms.params(form);
    // An exact fit says nothing about noise: borrow the log-linear fit's
    // (its residuals include its misfit, so it can only overstate it).
    let exact = n <= params;
    let noise = if exact { (&log_linear, terms.count()) } else { (&e, params) };
    let spread = Spread::of(&pts, &terms, &e, noise);
    let suspects = suspects(name, &pts, &terms, &e, params)?;
    refuse_absurd(name, &pts, &terms, e.beta[1], &spread, &suspects)?;
    let mut warnings: Vec<String> = suspects.iter().map(|s| format!("{s}: check it, or give a step change")).collect();
    warnings.extend(thin_warnings(&pts, &steps, params, exact && form == TrendForm::Damped, &spread));

    let damped = form == TrendForm::Damped;
    Ok(Fit {
        name: name.into(),
        points: n,
        first,
        last,
        at,
        per_year: spread.per_year,
        trend_per_year: e.beta[1].exp() - 1.0,
        form,
        damping: if damped { e.phi } else { 1.0 },
        damping_se: if damped { spread.small_sample * e.phi_se * spread.phi_ratio.sqrt() } else { 0.0 },
        selection,
        seasonality: spread.seasonality,
        dispersion: spread.dispersion,
        steps: steps.iter().enumerate().map(|(j, &d)| (d, e.beta[2 + j].exp())).collect(),
        level_cv: spread.level_cv,
        trend_sd: spread.trend_sd,
        pearson_ratio: spread.pearson_ratio,
        mean_abs_pct_error: 100.0 * spread.mape,
        warnings,
    })
}

/// The points inside the window asked for; refused when too few, all
/// zero, or broken by a gap.
fn window<'p>(name: &str, points: &'p [Point], opts: &FitOptions) -> Result<Vec<&'p Point>, FitError> {
    let pts: Vec<&Point> = points
        .iter()
        .filter(|p| {
            opts.from.is_none_or(|f| p.span.start >= f)
                && opts.until.is_none_or(|u| p.span.end <= u.succ_opt().unwrap_or(u))
        })
        .collect();
    if pts.len() < 2 {
        return Err(FitError::TooFew { name: name.into(), points: pts.len() });
    }
    if pts.iter().all(|p| p.count == 0.0) {
        return Err(FitError::AllZero { name: name.into() });
    }
    gap(name, &pts)?;
    Ok(pts)
}

/// The step changes asked for that have periods on both sides: only
/// those can be fitted.
fn steps_inside(pts: &[&Point], asked: &[NaiveDate]) -> Vec<NaiveDate> {
    let mut steps: Vec<NaiveDate> = asked
        .iter()
        .copied()
        .filter(|&d| pts.iter().any(|p| after(&p.span, d) > 0.0) && pts.iter().any(|p| after(&p.span, d) < 1.0))
        .collect();
    steps.sort();
    steps
}

/// Monthly seasonality only from enough monthly data, and only when it
/// explains more than noise would (a likelihood-ratio test at 5%).
fn seasonality_shows(name: &str, pts: &[&Point], plain_terms: Terms, plain: &Estimate) -> bool {
    let n = pts.len();
    let months: usize = pts.iter().filter(|p| is_month(&p.span)).count();
    months == n && months >= MIN_MONTHS_FOR_SEASONALITY && {
        let terms = Terms { seasonal: true, ..plain_terms };
        estimate(name, pts, &terms, 1.0).is_ok_and(|with| {
            let ratio = with.pearson / (n - terms.count()).max(1) as f64;
            (plain.deviance - with.deviance) / ratio.max(1.0) > CHI2_11_95
        })
    }
}

/// The trend form: as asked, or on held-out error.
fn choose_form(
    name: &str,
    pts: &[&Point],
    terms: &Terms,
    asked: Option<TrendForm>,
    log_linear: &Estimate,
) -> Result<(TrendForm, Estimate, Selection), FitError> {
    let compared = held_out(name, pts, terms);
    let errors = compared.errors;
    let damped = match asked {
        Some(TrendForm::LogLinear) => None,
        Some(TrendForm::Damped) => Some(estimate_damped(name, pts, terms)?),
        None if errors.is_some() => estimate_damped(name, pts, terms).ok(),
        None => None,
    };
    let (form, e) = match (asked, damped) {
        (Some(TrendForm::Damped), Some(d)) => (TrendForm::Damped, d),
        (None, Some(d))
            if d.phi < DAMPING_NEGLIGIBLE
                && errors.is_some_and(|(l, dm)| dm < DAMPED_MUST_BEAT * l && l - dm > compared.noise) =>
        {
            (TrendForm::Damped, d)
        }
        _ => (TrendForm::LogLinear, log_linear.clone()),
    };
    let selection =
        Selection { asked, forecasts: compared.forecasts, errors, noise: compared.noise, needed: compared.needed };
    Ok((form, e, selection))
}

/// The noise and uncertainty of the chosen fit, and the level and
/// seasonality they qualify.
struct Spread {
    dispersion: f64,
    pearson_ratio: f64,
    /// The Pearson ratio, never below Poisson's.
    phi_ratio: f64,
    /// How much few residual degrees of freedom widen standard errors.
    small_sample: f64,
    per_year: f64,
    level_cv: f64,
    trend_sd: f64,
    seasonality: Vec<f64>,
    mape: f64,
}

impl Spread {
    /// `noise` is the fit whose residuals measure the noise, and its
    /// number of parameters.
    fn of(pts: &[&Point], terms: &Terms, e: &Estimate, (noise, noise_params): (&Estimate, usize)) -> Spread {
        let n = pts.len();
        let ys: Vec<f64> = pts.iter().map(|pt| pt.count).collect();
        let days: Vec<f64> = pts.iter().map(|pt| pt.span.days()).collect();
        let dispersion = moment_dispersion(&ys, &noise.mus, &days);
        let pearson_ratio = noise.pearson / n.saturating_sub(noise_params).max(1) as f64;
        let phi_ratio = pearson_ratio.max(1.0);
        // Standard errors resting on few residual degrees of freedom widen to
        // the small-sample width of an 80% band.
        let small_sample = t90(n.saturating_sub(noise_params).max(1)) / Z90;
        let (log_level, var_level) = level_at(terms.steps.len(), e);
        let (seasonality, season_mean) = seasonality(terms, &e.beta);
        let mape = ys.iter().zip(&e.mus).filter(|(y, _)| **y > 0.0).map(|(y, m)| ((y - m) / y).abs()).sum::<f64>()
            / ys.iter().filter(|y| **y > 0.0).count().max(1) as f64;
        Spread {
            dispersion,
            pearson_ratio,
            phi_ratio,
            small_sample,
            per_year: log_level.exp() * season_mean * DAYS_PER_YEAR,
            level_cv: small_sample * (var_level * phi_ratio).max(0.0).sqrt(),
            trend_sd: small_sample * (e.cov[1][1] * phi_ratio).max(0.0).sqrt(),
            seasonality,
            mape,
        }
    }
}

/// The log-level at `at` and its variance: intercept plus every step in
/// force by then.
fn level_at(steps: usize, e: &Estimate) -> (f64, f64) {
    let (beta, cov) = (&e.beta, &e.cov);
    let mut var_level = cov[0][0];
    let mut log_level = beta[0];
    for j in 0..steps {
        log_level += beta[2 + j];
        var_level += cov[2 + j][2 + j] + 2.0 * cov[0][2 + j];
        for l in j + 1..steps {
            var_level += 2.0 * cov[2 + j][2 + l];
        }
    }
    (log_level, var_level)
}

/// The monthly factors (empty without seasonality) and the mean of the
/// raw ones: with seasonality, the intercept is January's level, so the
/// yearly rate takes the average month's.
fn seasonality(terms: &Terms, beta: &[f64]) -> (Vec<f64>, f64) {
    let seasonal = terms.seasonal;
    let raw: Vec<f64> =
        (0..12).map(|m| if m == 0 || !seasonal { 1.0 } else { beta[2 + terms.steps.len() + m - 1].exp() }).collect();
    let season_mean = raw.iter().sum::<f64>() / 12.0;
    let factors = if seasonal { raw.iter().map(|v| v / season_mean).collect() } else { Vec::new() };
    (factors, season_mean)
}

/// Counts far from what the others predict: refused when mistyped by
/// orders of magnitude, else described for a warning.
fn suspects(name: &str, pts: &[&Point], terms: &Terms, e: &Estimate, params: usize) -> Result<Vec<String>, FitError> {
    let mut suspects = Vec::new();
    for o in outliers(name, pts, terms, e, params) {
        let p = pts[o.index];
        let ratio = (p.count + 0.5) / (o.expected + 0.5);
        if !(1.0 / GROSS_RATIO..=GROSS_RATIO).contains(&ratio) {
            return Err(FitError::Outlier {
                name: name.into(),
                period: p.span.label(),
                line: p.line,
                count: p.count,
                expected: o.expected,
            });
        }
        suspects.push(format!(
            "the count for {}{} ({}) is {:.1} standard deviations from what the other periods predict (about {})",
            p.span.label(),
            if p.line > 0 { format!(" at line {}", p.line) } else { String::new() },
            crate::format::thousands(p.count),
            o.z.abs(),
            crate::format::thousands(o.expected)
        ));
    }
    Ok(suspects)
}

/// Values no forecast should use; a suspect count is the likely cause.
fn refuse_absurd(
    name: &str,
    pts: &[&Point],
    terms: &Terms,
    growth: f64,
    spread: &Spread,
    suspects: &[String],
) -> Result<(), FitError> {
    let because = if suspects.is_empty() { String::new() } else { format!(" ({})", suspects.join("; ")) };
    let absurd = |what: String| Err(FitError::Absurd { name: name.into(), what: format!("{what}{because}") });
    if !growth.is_finite() || growth.abs() > MAX_GROWTH_FACTOR.ln() {
        let hint = if terms.steps.is_empty() {
            "if demand stepped up or down, give the date of the step change (--step, or steps in a scenario); otherwise fit a shorter window (--from/--until) or check the counts"
        } else {
            "check the step dates and the counts, or fit a shorter window (--from/--until)"
        };
        return absurd(format!(
            "a fitted {} of {} a year is not believable (the limit is tenfold up or down); {hint}",
            if growth >= 0.0 { "growth" } else { "fall" },
            format_growth(growth)
        ));
    }
    let highest = pts.iter().map(|p| p.count / p.span.days() * DAYS_PER_YEAR).fold(0.0, f64::max);
    let per_year = spread.per_year;
    if !per_year.is_finite() || per_year > MAX_LEVEL_FACTOR * highest {
        return absurd(format!(
            "the fitted level at {} ({} a year) is over {} times the highest rate in the data; fit to a date nearer the data",
            terms.at,
            crate::format::thousands(per_year),
            crate::format::thousands(MAX_LEVEL_FACTOR)
        ));
    }
    for (what, v, most) in [
        ("level uncertainty (level_cv)", spread.level_cv, MAX_LEVEL_CV),
        ("trend uncertainty (trend_sd)", spread.trend_sd, MAX_TREND_SD),
        ("dispersion", spread.dispersion, MAX_DISPERSION),
    ] {
        if !v.is_finite() {
            return absurd(format!(
                "the {what} is not finite (the fit is degenerate); fit a longer or less extreme stretch of history"
            ));
        }
        if v > most {
            return absurd(format!(
                "the fitted {what} of {} is beyond {most}: the history cannot support a forecast; look for mistyped counts or step changes, or give the rate by hand",
                sig(v, 3)
            ));
        }
    }
    if spread.seasonality.iter().any(|v| !v.is_finite()) {
        return absurd("the monthly seasonality is not finite; fit without months that have no counts".into());
    }
    Ok(())
}

/// Warnings for fits resting on too little, or saying little.
fn thin_warnings(
    pts: &[&Point],
    steps: &[NaiveDate],
    params: usize,
    exact_damped: bool,
    spread: &Spread,
) -> Vec<String> {
    let n = pts.len();
    let mut warnings = Vec::new();
    let since_step = match steps.last() {
        Some(&d) => pts.iter().filter(|p| after(&p.span, d) >= 1.0).count(),
        None => n,
    };
    if since_step < MIN_PERIODS_FOR_TREND {
        warnings.push(match steps.last() {
            Some(d) => format!(
                "the fit rests on {since_step} periods after the step change of {d}: a trend needs at least {MIN_PERIODS_FOR_TREND}, so treat it as a guess"
            ),
            None => format!(
                "the fit rests on {n} periods: a trend needs at least {MIN_PERIODS_FOR_TREND}, so treat it as a guess"
            ),
        });
    } else if n < params + 2 {
        warnings.push(format!(
            "the fit rests on {n} periods for {params} parameters: it is (nearly) exact and its uncertainty is unreliable"
        ));
    }
    if exact_damped {
        warnings.push(
            "the damped fit passes through every point; its noise and uncertainty borrow the log-linear fit's residuals".into(),
        );
    }
    let (level_cv, trend_sd) = (spread.level_cv, spread.trend_sd);
    if level_cv > 1.0 || trend_sd > 0.5 {
        warnings.push(format!(
            "the uncertainty is very wide (level {:.0}%, trend {:.0} points a year): the history says little about the future",
            100.0 * level_cv,
            100.0 * trend_sd
        ));
    }
    if spread.dispersion > 1.0 {
        warnings.push(format!(
            "counts vary far more than a steady process would (dispersion {}): look for outliers or step changes",
            sig(spread.dispersion, 3)
        ));
    }
    warnings
}

fn format_growth(log_growth: f64) -> String {
    let factor = log_growth.exp();
    if (0.01..100.0).contains(&factor) { format!("{:+.0}%", 100.0 * (factor - 1.0)) } else { format!("x{factor:.2e}") }
}

/// The 90th percentile of Student's t with `dof` degrees of freedom: a
/// table to 10, then the Cornish-Fisher expansion (within 0.001 beyond).
fn t90(dof: usize) -> f64 {
    const TABLE: [f64; 10] = [3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372];
    match dof {
        0 => f64::INFINITY,
        1..=10 => TABLE[dof - 1],
        _ => {
            let (z, v) = (Z90, dof as f64);
            z + (z.powi(3) + z) / (4.0 * v) + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// Round to a few significant figures for printing.
fn sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

impl Fit {
    /// The `arrivals = { ... }` line for a scenario starting at `self.at`.
    pub fn toml(&self) -> String {
        let mut parts = vec![format!("per_year = {}", sig(self.per_year, 4))];
        parts.push(format!("trend_per_year = {}", sig(self.trend_per_year, 3)));
        if self.form == TrendForm::Damped {
            parts.push(format!("damping = {}", sig(self.damping, 3)));
        }
        if !self.seasonality.is_empty() {
            let s: Vec<String> = self.seasonality.iter().map(|v| format!("{}", sig(*v, 3))).collect();
            parts.push(format!("seasonality = [{}]", s.join(", ")));
        }
        parts.push(format!("dispersion = {}", sig(self.dispersion, 3)));
        parts.push(format!("level_cv = {}", sig(self.level_cv, 3)));
        parts.push(format!("trend_sd = {}", sig(self.trend_sd, 3)));
        format!("arrivals = {{ {} }}", parts.join(", "))
    }

    /// Plain-language diagnostics, as TOML comments; warnings last, each
    /// on a `# warning:` line.
    pub fn diagnostics(&self) -> String {
        let pct = |v: f64| format!("{:+.1}%", 100.0 * v);
        let mut lines = vec![format!(
            "# {}: fitted to {} periods, {} to {}",
            self.name,
            self.points,
            self.first.label(),
            self.last.label()
        )];
        let s = &self.selection;
        let how = match (s.asked, s.errors) {
            (Some(_), None) => "as asked".to_string(),
            (Some(_), Some((l, d))) | (None, Some((l, d))) => format!(
                "{}held-out error of {} year-ahead forecasts: log-linear {:.1}%, damped {:.1}%; noise alone {:.1}%",
                if s.asked.is_some() { "as asked; " } else { "" },
                s.forecasts,
                100.0 * l,
                100.0 * d,
                100.0 * s.noise
            ),
            (None, None) => {
                format!("too few periods to compare forms on held-out error ({} needed), so the simpler form", s.needed)
            }
        };
        lines.push(format!("#   trend form: {} ({how})", self.form.name()));
        lines.push(format!(
            "#   level {} a year at {} (standard error {:.1}%); {} {} (standard error {:.1} points)",
            crate::format::thousands(self.per_year),
            self.at,
            100.0 * self.level_cv,
            if self.form == TrendForm::Damped { "growth in the first year" } else { "trend a year" },
            pct(self.trend_per_year),
            100.0 * self.trend_sd
        ));
        if self.form == TrendForm::Damped {
            let se = match self.damping_se {
                se if !se.is_finite() => "not identified".to_string(),
                se if se > 0.25 => format!("standard error {se:.2}: poorly determined"),
                se => format!("standard error {se:.2}"),
            };
            let ceiling = if self.damping < 1.0 {
                let log_growth = self.trend_per_year.ln_1p();
                format!(
                    "; levelling off near {} a year",
                    crate::format::thousands(self.per_year * (log_growth / (1.0 - self.damping)).exp())
                )
            } else {
                String::new()
            };
            lines.push(format!(
                "#   damping {:.2} ({se}): each year's growth is that share of the year before's{ceiling}",
                self.damping
            ));
        }
        if self.seasonality.is_empty() {
            lines.push(format!(
                "#   no seasonality: it needs at least {MIN_MONTHS_FOR_SEASONALITY} monthly periods and nothing else, and must beat noise"
            ));
        } else {
            let lo = self.seasonality.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = self.seasonality.iter().copied().fold(0.0, f64::max);
            lines.push(format!("#   monthly seasonality from x{lo:.2} to x{hi:.2}"));
        }
        for (d, m) in &self.steps {
            lines.push(format!("#   step change from {d}: x{m:.2}"));
        }
        lines.push(format!(
            "#   counts vary {:.1} times as much as a Poisson process would (dispersion {}); mean absolute error {:.1}%",
            self.pearson_ratio,
            sig(self.dispersion, 3),
            self.mean_abs_pct_error
        ));
        for w in &self.warnings {
            lines.push(format!("# warning: {w}"));
        }
        lines.join("\n")
    }
}

/// Turnover and recruitment lag from staff history.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffFit {
    pub role: String,
    pub points: usize,
    pub in_post: f64,
    pub leavers_per_year: f64,
    pub turnover_per_year: f64,
    pub vacancies: Option<f64>,
    /// Mean days a vacancy stays open (Little's law: vacancies / leavers a day).
    pub recruitment_days: Option<f64>,
}

pub fn fit_staff(role: &str, points: &[super::read::StaffPoint], opts: &FitOptions) -> Result<StaffFit, FitError> {
    let pts: Vec<_> = points
        .iter()
        .filter(|p| {
            opts.from.is_none_or(|f| p.span.start >= f)
                && opts.until.is_none_or(|u| p.span.end <= u.succ_opt().unwrap_or(u))
        })
        .collect();
    if pts.is_empty() {
        return Err(FitError::TooFew { name: role.into(), points: 0 });
    }
    let days: f64 = pts.iter().map(|p| p.span.days()).sum();
    let leavers: f64 = pts.iter().map(|p| p.leavers).sum();
    let post_days: f64 = pts.iter().map(|p| p.in_post * p.span.days()).sum();
    let in_post = post_days / days;
    let leavers_per_day = leavers / days;
    let vacancies: Option<f64> = if pts.iter().all(|p| p.vacancies.is_some()) {
        Some(pts.iter().map(|p| p.vacancies.unwrap_or(0.0) * p.span.days()).sum::<f64>() / days)
    } else {
        None
    };
    Ok(StaffFit {
        role: role.into(),
        points: pts.len(),
        in_post,
        leavers_per_year: leavers_per_day * DAYS_PER_YEAR,
        turnover_per_year: if post_days > 0.0 { leavers / post_days * DAYS_PER_YEAR } else { 0.0 },
        vacancies,
        recruitment_days: vacancies.and_then(|v| if leavers_per_day > 0.0 { Some(v / leavers_per_day) } else { None }),
    })
}

impl StaffFit {
    pub fn toml(&self) -> String {
        let mut lines = vec![format!(
            "# {}: {} periods; {:.1} in post on average, {:.1} leavers a year",
            self.role, self.points, self.in_post, self.leavers_per_year
        )];
        if let Some(v) = self.vacancies {
            lines.push(format!("#   {v:.1} vacancies on average"));
        }
        lines.push(format!("turnover_per_year = {}", sig(self.turnover_per_year, 3)));
        match self.recruitment_days {
            Some(d) => lines.push(format!("recruitment_days = {{ dist = \"exponential\", mean = {} }}", sig(d, 3))),
            None => lines.push("# recruitment_days: needs a vacancies column and some leavers".into()),
        }
        lines.join("\n")
    }
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::read::{Point, parse_period};

    #[test]
    fn t_quantiles_join_the_table_to_the_expansion() {
        assert!((t90(10) - 1.372).abs() < 1e-3 && (t90(11) - 1.363).abs() < 1e-3);
        assert!((t90(30) - 1.310).abs() < 1e-3 && (t90(1000) - Z90).abs() < 1e-3);
    }

    #[test]
    fn cholesky_solves() {
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let x = solve(&a, &[2.0, 5.0]).unwrap();
        assert!((x[0] + 0.5).abs() < 1e-12 && (x[1] - 2.0).abs() < 1e-12);
        assert!(solve(&[vec![1.0, 1.0], vec![1.0, 1.0]], &[1.0, 1.0]).is_none());
    }

    #[test]
    fn exact_exponential_growth_is_recovered() {
        // Counts growing 10% a year, no noise.
        let points: Vec<Point> = (2010..2020)
            .map(|y| {
                let span = parse_period(&y.to_string()).unwrap();
                let count = (1000.0 * 1.1f64.powf((y - 2010) as f64 + 0.5)).round();
                Point { span, count, completed: None, line: 0 }
            })
            .collect();
        let f = fit("x", &points, &FitOptions::default()).unwrap();
        assert!((f.trend_per_year - 0.1).abs() < 0.002, "{}", f.trend_per_year);
        // The level at the end of 2019: 1000 x 1.1^10 a year.
        assert!((f.per_year / (1000.0 * 1.1f64.powi(10)) - 1.0).abs() < 0.01, "{}", f.per_year);
        assert_eq!(f.at, "2020-01-01".parse().unwrap());
    }

    #[test]
    fn damped_years_sum_the_yearly_growth_factors() {
        assert!((damped_years(3.0, 0.5) - 1.75).abs() < 1e-12, "1 + 0.5 + 0.25");
        assert!((damped_years(2.5, 1.0) - 2.5).abs() < 1e-12, "no damping is linear time");
        assert!((damped_years(2.5, 1.0 - 1e-9) - 2.5).abs() < 1e-6, "continuous at 1");
        assert!((damped_years(200.0, 0.6) - 2.5).abs() < 1e-9, "the ceiling is 1 / (1 - phi)");
        assert!(damped_years(-1.0, 0.5) < -1.0, "growth was faster before");
    }

    #[test]
    fn an_exact_damped_curve_is_recovered_and_chosen() {
        // Ten years rising from 1,000 a year toward 1,000 x 2^(1/(1-0.5)):
        // log-growth ln 2 in the year after 2010-01-01, halving every year.
        let at: NaiveDate = "2010-01-01".parse().unwrap();
        let points: Vec<Point> = (2010..2020)
            .map(|y| {
                let span = parse_period(&y.to_string()).unwrap();
                let t = (y - 2010) as f64 + 0.5;
                let count = (span.days() / DAYS_PER_YEAR * 1000.0 * (2f64.ln() * damped_years(t, 0.5)).exp()).round();
                Point { span, count, completed: None, line: 0 }
            })
            .collect();
        let opts = FitOptions { at: Some(at), ..FitOptions::default() };
        let f = fit("x", &points, &opts).unwrap();
        assert_eq!(f.form, TrendForm::Damped, "{}", f.diagnostics());
        assert!((f.damping - 0.5).abs() < 0.01, "{}", f.damping);
        assert!((f.trend_per_year - 1.0).abs() < 0.02, "{}", f.trend_per_year);
        assert!((f.per_year / 1000.0 - 1.0).abs() < 0.01, "{}", f.per_year);
        assert!(f.toml().contains("damping = 0.5"), "{}", f.toml());
        // Asked for the log-linear form, it gets it (and says so).
        let f = fit("x", &points, &FitOptions { trend: Some(TrendForm::LogLinear), ..opts }).unwrap();
        assert_eq!(f.form, TrendForm::LogLinear);
        assert!(!f.toml().contains("damping"), "{}", f.toml());
        assert!(f.diagnostics().contains("trend form: log_linear (as asked; held-out error"), "{}", f.diagnostics());
    }

    #[test]
    fn a_step_change_is_fitted_as_a_multiplier() {
        let points: Vec<Point> = (2010..2020)
            .map(|y| {
                let span = parse_period(&y.to_string()).unwrap();
                let count = if y >= 2014 { 10_000.0 } else { 1_000.0 };
                Point { span, count, completed: None, line: 0 }
            })
            .collect();
        let opts = FitOptions { steps: vec!["2014-01-01".parse().unwrap()], ..FitOptions::default() };
        let f = fit("x", &points, &opts).unwrap();
        assert!((f.steps[0].1 - 10.0).abs() < 0.01, "{:?}", f.steps);
        assert!(f.trend_per_year.abs() < 0.001);
        assert!((f.per_year - 10_000.0 * DAYS_PER_YEAR / 365.0).abs() < 100.0, "{}", f.per_year);
    }
}
