//! Positive-valued distributions for effort (hours) and delays (days).
//!
//! Built only through checked constructors so the engine never meets a
//! parameter that could make a sampler panic or return a negative time.

use rand::Rng;
use rand::distr::Distribution;
use rand_distr::{Exp1, Gamma, LogNormal, Triangular, Uniform};

use crate::units::Z90;

#[derive(Debug, Clone)]
pub enum Dist {
    Fixed(f64),
    Exponential { mean: f64 },
    LogNormal { median: f64, p90: f64, inner: LogNormal<f64> },
    Gamma { mean: f64, cv: f64, inner: Gamma<f64> },
    Uniform { min: f64, max: f64, inner: Uniform<f64> },
    Triangular { min: f64, mode: f64, max: f64, inner: Triangular<f64> },
}

/// Two distributions are equal when their parameters are (the samplers
/// inside are built from them).
impl PartialEq for Dist {
    fn eq(&self, other: &Dist) -> bool {
        use Dist::*;
        match (self, other) {
            (Fixed(a), Fixed(b)) => a == b,
            (Exponential { mean: a }, Exponential { mean: b }) => a == b,
            (LogNormal { median: a, p90: b, .. }, LogNormal { median: c, p90: d, .. }) => (a, b) == (c, d),
            (Gamma { mean: a, cv: b, .. }, Gamma { mean: c, cv: d, .. }) => (a, b) == (c, d),
            (Uniform { min: a, max: b, .. }, Uniform { min: c, max: d, .. }) => (a, b) == (c, d),
            (Triangular { min: a, mode: b, max: c, .. }, Triangular { min: d, mode: e, max: f, .. }) => {
                (a, b, c) == (d, e, f)
            }
            _ => false,
        }
    }
}

/// What went wrong with a distribution's parameters: the parameter's name
/// and the rule it broke, so the caller can point at the key.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    pub param: &'static str,
    pub rule: String,
}

fn param_err(param: &'static str, rule: impl Into<String>) -> ParamError {
    ParamError { param, rule: rule.into() }
}

fn positive(param: &'static str, v: f64) -> Result<f64, ParamError> {
    if v.is_finite() && v > 0.0 { Ok(v) } else { Err(param_err(param, format!("{param} must be > 0 (got {v})"))) }
}

fn non_negative(param: &'static str, v: f64) -> Result<f64, ParamError> {
    if v.is_finite() && v >= 0.0 { Ok(v) } else { Err(param_err(param, format!("{param} must be >= 0 (got {v})"))) }
}

impl Dist {
    /// A constant. Zero is allowed here; callers that need a positive
    /// value (effort) check `is_positive` themselves.
    pub fn fixed(value: f64) -> Result<Dist, ParamError> {
        Ok(Dist::Fixed(non_negative("value", value)?))
    }

    pub fn exponential(mean: f64) -> Result<Dist, ParamError> {
        Ok(Dist::Exponential { mean: positive("mean", mean)? })
    }

    /// Log-normal given its median and 90th percentile, the two figures a
    /// practice manager can usually estimate ("half take under 6 hours,
    /// nine in ten under 14").
    pub fn lognormal(median: f64, p90: f64) -> Result<Dist, ParamError> {
        let median = positive("median", median)?;
        let p90 = positive("p90", p90)?;
        if p90 <= median {
            return Err(param_err("p90", format!("p90 ({p90}) must be greater than median ({median})")));
        }
        let sigma = (p90 / median).ln() / Z90;
        let inner = LogNormal::new(median.ln(), sigma).map_err(|e| param_err("p90", e.to_string()))?;
        Ok(Dist::LogNormal { median, p90, inner })
    }

    /// Gamma given its mean and coefficient of variation.
    pub fn gamma(mean: f64, cv: f64) -> Result<Dist, ParamError> {
        let mean = positive("mean", mean)?;
        let cv = positive("cv", cv)?;
        let shape = 1.0 / (cv * cv);
        let inner = Gamma::new(shape, mean / shape).map_err(|e| param_err("cv", e.to_string()))?;
        Ok(Dist::Gamma { mean, cv, inner })
    }

    pub fn uniform(min: f64, max: f64) -> Result<Dist, ParamError> {
        let min = non_negative("min", min)?;
        let max = positive("max", max)?;
        if max <= min {
            return Err(param_err("max", format!("max ({max}) must be greater than min ({min})")));
        }
        let inner = Uniform::new(min, max).map_err(|e| param_err("max", e.to_string()))?;
        Ok(Dist::Uniform { min, max, inner })
    }

    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, ParamError> {
        let min = non_negative("min", min)?;
        let max = positive("max", max)?;
        if max <= min {
            return Err(param_err("max", format!("max ({max}) must be greater than min ({min})")));
        }
        if !(min..=max).contains(&mode) {
            return Err(param_err("mode", format!("mode ({mode}) must lie between min ({min}) and max ({max})")));
        }
        let inner = Triangular::new(min, max, mode).map_err(|e| param_err("mode", e.to_string()))?;
        Ok(Dist::Triangular { min, mode, max, inner })
    }

    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Exponential { mean } => *mean,
            Dist::LogNormal { median, p90, .. } => {
                let sigma = (p90 / median).ln() / Z90;
                median * (sigma * sigma / 2.0).exp()
            }
            Dist::Gamma { mean, .. } => *mean,
            Dist::Uniform { min, max, .. } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max, .. } => (min + mode + max) / 3.0,
        }
    }

    /// The smallest value the distribution can take.
    pub fn min(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, .. } | Dist::Triangular { min, .. } => *min,
            _ => 0.0,
        }
    }

    /// The largest value the distribution can take (infinity when it has
    /// no bound).
    pub fn max(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { max, .. } | Dist::Triangular { max, .. } => *max,
            _ => f64::INFINITY,
        }
    }

    /// True when every draw is strictly positive.
    pub fn is_positive(&self) -> bool {
        match self {
            Dist::Fixed(v) => *v > 0.0,
            // Continuous laws on (0, inf) put no mass at zero.
            Dist::Exponential { .. } | Dist::LogNormal { .. } | Dist::Gamma { .. } => true,
            Dist::Uniform { .. } | Dist::Triangular { .. } => true,
        }
    }

    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                e * mean
            }
            Dist::LogNormal { inner, .. } => inner.sample(rng),
            Dist::Gamma { inner, .. } => inner.sample(rng),
            Dist::Uniform { inner, .. } => inner.sample(rng),
            Dist::Triangular { inner, .. } => inner.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn sample_mean(d: &Dist, n: usize) -> f64 {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_stated_means() {
        let dists = [
            Dist::exponential(3.0).unwrap(),
            Dist::lognormal(6.0, 14.0).unwrap(),
            Dist::gamma(10.0, 0.5).unwrap(),
            Dist::uniform(42.0, 56.0).unwrap(),
            Dist::triangular(1.0, 2.0, 6.0).unwrap(),
        ];
        for d in &dists {
            let m = sample_mean(d, 200_000);
            assert!((m - d.mean()).abs() / d.mean() < 0.01, "{d:?}: sample mean {m} vs {}", d.mean());
        }
    }

    #[test]
    fn lognormal_p90_is_the_stated_p90() {
        let d = Dist::lognormal(6.0, 14.0).unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let n = 100_000;
        let below = (0..n).filter(|_| d.sample(&mut rng) <= 14.0).count() as f64 / n as f64;
        assert!((below - 0.9).abs() < 0.005, "share below p90 = {below}");
    }

    #[test]
    fn bad_parameters_name_the_parameter() {
        assert_eq!(Dist::lognormal(-1.0, 3.0).unwrap_err().param, "median");
        assert_eq!(Dist::lognormal(4.0, 3.0).unwrap_err().param, "p90");
        assert_eq!(Dist::exponential(0.0).unwrap_err().param, "mean");
        assert_eq!(Dist::gamma(1.0, f64::NAN).unwrap_err().param, "cv");
        assert_eq!(Dist::uniform(5.0, 5.0).unwrap_err().param, "max");
        assert_eq!(Dist::triangular(1.0, 9.0, 6.0).unwrap_err().param, "mode");
        assert!(Dist::fixed(-2.0).is_err());
    }
}
