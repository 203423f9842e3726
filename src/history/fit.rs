//! Fitting demand to history: a log-linear Poisson model of counts,
//!
//! ```text
//! E[count] = days x exp(a + b t + sum of step terms + month effect)
//! ```
//!
//! with `t` in years, fitted by Newton-Raphson (iteratively reweighted
//! least squares), over-dispersion by the method of moments, and standard
//! errors (inflated by the Pearson dispersion when counts vary more than
//! Poisson) that become the forecast's level and trend uncertainty.

use chrono::{Datelike, NaiveDate};

use super::read::{Point, Span};

const DAYS_PER_YEAR: f64 = 365.25;
const DAYS_PER_MONTH: f64 = DAYS_PER_YEAR / 12.0;

/// Monthly seasonality is fitted only from this many months of data.
pub const MIN_MONTHS_FOR_SEASONALITY: usize = 24;

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
    pub trend_per_year: f64,
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
}

#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    TooFew { name: String, points: usize },
    AllZero { name: String },
    NoConvergence { name: String },
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitError::TooFew { name, points } => {
                write!(f, "'{name}': {points} periods are too few to fit a level and a trend (need at least 2)")
            }
            FitError::AllZero { name } => write!(f, "'{name}': every count is zero, so there is no rate to fit"),
            FitError::NoConvergence { name } => write!(f, "'{name}': the fit did not converge; try fewer step changes"),
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
                if d <= 1e-12 * a[i][i].abs().max(1e-300) {
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

/// One fitted log-linear model.
struct Estimate {
    beta: Vec<f64>,
    cov: Vec<Vec<f64>>,
    mus: Vec<f64>,
    deviance: f64,
    pearson_ratio: f64,
}

fn estimate(
    name: &str,
    pts: &[&Point],
    steps: &[NaiveDate],
    seasonal: bool,
    reference: NaiveDate,
) -> Result<Estimate, FitError> {
    let p = 2 + steps.len() + if seasonal { 11 } else { 0 };
    if pts.len() < p {
        // Not enough points for the steps or seasonality asked for.
        return Err(FitError::TooFew { name: name.into(), points: pts.len() });
    }
    let row = |s: &Span| -> Vec<f64> {
        let mut x = vec![1.0, years_between(reference, midpoint(s))];
        x.extend(steps.iter().map(|&d| after(s, d)));
        if seasonal {
            let m = s.start.month0() as usize;
            x.extend((1..12).map(|k| if m == k { 1.0 } else { 0.0 }));
        }
        x
    };
    let xs: Vec<Vec<f64>> = pts.iter().map(|pt| row(&pt.span)).collect();
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
            return Err(FitError::NoConvergence { name: name.into() });
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
        return Err(FitError::NoConvergence { name: name.into() });
    }
    let mus: Vec<f64> = (0..ys.len()).map(|i| mu_of(&beta, i)).collect();
    let dof = (ys.len() as f64 - p as f64).max(1.0);
    let pearson: f64 = ys.iter().zip(&mus).map(|(y, m)| (y - m).powi(2) / m).sum();
    let deviance: f64 =
        2.0 * ys.iter().zip(&mus).map(|(&y, &m)| if y > 0.0 { y * (y / m).ln() - (y - m) } else { m }).sum::<f64>();
    let cov = inverse(&info).unwrap_or_else(|| vec![vec![0.0; p]; p]);
    Ok(Estimate { beta, cov, mus, deviance, pearson_ratio: pearson / dof })
}

pub fn fit(name: &str, points: &[Point], opts: &FitOptions) -> Result<Fit, FitError> {
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
    let first = pts[0].span;
    let last = pts[pts.len() - 1].span;
    let at = opts.at.unwrap_or(last.end);
    let months: usize = pts.iter().filter(|p| is_month(&p.span)).count();
    let mut steps: Vec<NaiveDate> = opts
        .steps
        .iter()
        .copied()
        .filter(|&d| pts.iter().any(|p| after(&p.span, d) > 0.0) && pts.iter().any(|p| after(&p.span, d) < 1.0))
        .collect();
    steps.sort();
    let plain = estimate(name, &pts, &steps, false, at)?;
    // Monthly seasonality only from enough monthly data, and only when it
    // explains more than noise would (a likelihood-ratio test at 5%).
    let seasonal = if months == pts.len() && months >= MIN_MONTHS_FOR_SEASONALITY {
        let with = estimate(name, &pts, &steps, true, at)?;
        let gain = (plain.deviance - with.deviance) / with.pearson_ratio.max(1.0);
        (gain > CHI2_11_95).then_some(with)
    } else {
        None
    };
    let seasonal_fit = seasonal.is_some();
    let e = seasonal.unwrap_or(plain);
    let (beta, cov, mus) = (&e.beta, &e.cov, &e.mus);
    let ys: Vec<f64> = pts.iter().map(|pt| pt.count).collect();
    let days: Vec<f64> = pts.iter().map(|pt| pt.span.days()).collect();
    // Var = mu + v mu^2 / k for a period of k months of independent
    // monthly multipliers of variance v.
    let k = |d: f64| (d / DAYS_PER_MONTH).max(1.0);
    let num: f64 = ys.iter().zip(mus).map(|(y, m)| (y - m).powi(2) - m).sum();
    let den: f64 = mus.iter().zip(&days).map(|(m, &d)| m * m / k(d)).sum();
    let dispersion = if den > 0.0 { (num / den).max(0.0) } else { 0.0 };
    let phi = e.pearson_ratio.max(1.0);
    // Level at `at`: intercept plus every step in force by then.
    let mut var_level = cov[0][0];
    let mut log_level = beta[0];
    for j in 0..steps.len() {
        log_level += beta[2 + j];
        var_level += cov[2 + j][2 + j] + 2.0 * cov[0][2 + j];
        for l in j + 1..steps.len() {
            var_level += 2.0 * cov[2 + j][2 + l];
        }
    }
    // With seasonality, the intercept is January's level: per_year is the
    // average month's.
    let raw: Vec<f64> =
        (0..12).map(|m| if m == 0 || !seasonal_fit { 1.0 } else { beta[2 + steps.len() + m - 1].exp() }).collect();
    let season_mean = raw.iter().sum::<f64>() / 12.0;
    let seasonality = if seasonal_fit { raw.iter().map(|v| v / season_mean).collect() } else { Vec::new() };
    let mape = ys.iter().zip(mus).filter(|(y, _)| **y > 0.0).map(|(y, m)| ((y - m) / y).abs()).sum::<f64>()
        / ys.iter().filter(|y| **y > 0.0).count().max(1) as f64;
    Ok(Fit {
        name: name.into(),
        points: pts.len(),
        first,
        last,
        at,
        per_year: log_level.exp() * season_mean * DAYS_PER_YEAR,
        trend_per_year: beta[1].exp() - 1.0,
        seasonality,
        dispersion,
        steps: steps.iter().enumerate().map(|(j, &d)| (d, beta[2 + j].exp())).collect(),
        level_cv: (var_level * phi).max(0.0).sqrt(),
        trend_sd: (cov[1][1] * phi).max(0.0).sqrt(),
        pearson_ratio: e.pearson_ratio,
        mean_abs_pct_error: 100.0 * mape,
    })
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
        if !self.seasonality.is_empty() {
            let s: Vec<String> = self.seasonality.iter().map(|v| format!("{}", sig(*v, 3))).collect();
            parts.push(format!("seasonality = [{}]", s.join(", ")));
        }
        parts.push(format!("dispersion = {}", sig(self.dispersion, 3)));
        parts.push(format!("level_cv = {}", sig(self.level_cv, 3)));
        parts.push(format!("trend_sd = {}", sig(self.trend_sd, 3)));
        format!("arrivals = {{ {} }}", parts.join(", "))
    }

    /// Plain-language diagnostics, as TOML comments.
    pub fn diagnostics(&self) -> String {
        let pct = |v: f64| format!("{:+.1}%", 100.0 * v);
        let mut lines = vec![format!(
            "# {}: fitted to {} periods, {} to {}",
            self.name,
            self.points,
            self.first.label(),
            self.last.label()
        )];
        lines.push(format!(
            "#   level {} a year at {} (standard error {:.1}%); trend {} a year (standard error {:.1} points)",
            crate::format::thousands(self.per_year),
            self.at,
            100.0 * self.level_cv,
            pct(self.trend_per_year),
            100.0 * self.trend_sd
        ));
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
mod tests {
    use super::*;
    use crate::history::read::{Point, parse_period};

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
                Point { span, count, line: 0 }
            })
            .collect();
        let f = fit("x", &points, &FitOptions::default()).unwrap();
        assert!((f.trend_per_year - 0.1).abs() < 0.002, "{}", f.trend_per_year);
        // The level at the end of 2019: 1000 x 1.1^10 a year.
        assert!((f.per_year / (1000.0 * 1.1f64.powi(10)) - 1.0).abs() < 0.01, "{}", f.per_year);
        assert_eq!(f.at, "2020-01-01".parse().unwrap());
    }

    #[test]
    fn a_step_change_is_fitted_as_a_multiplier() {
        let points: Vec<Point> = (2010..2020)
            .map(|y| {
                let span = parse_period(&y.to_string()).unwrap();
                let count = if y >= 2014 { 10_000.0 } else { 1_000.0 };
                Point { span, count, line: 0 }
            })
            .collect();
        let opts = FitOptions { steps: vec!["2014-01-01".parse().unwrap()], ..FitOptions::default() };
        let f = fit("x", &points, &opts).unwrap();
        assert!((f.steps[0].1 - 10.0).abs() < 0.01, "{:?}", f.steps);
        assert!(f.trend_per_year.abs() < 0.001);
        assert!((f.per_year - 10_000.0 * 365.25 / 365.0).abs() < 100.0, "{}", f.per_year);
    }
}
