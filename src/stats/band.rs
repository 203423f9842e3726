//! A mergeable summary of one measure over many replications: count, mean,
//! standard deviation and quantiles.
//!
//! Everything inside is an integer, so merging is exactly associative and
//! commutative: however rayon splits and recombines the replications, the
//! result is the same bytes. Memory depends on how spread out the values
//! are, not on how many replications there were.
//!
//! Quantiles come from a log-bucketed histogram that keeps the sign, the
//! exponent and the top 9 bits of the mantissa of each value: whole
//! numbers below 512 are kept exactly and anything else to within 0.2%.
//! Means and variances come from fixed-point sums (2^-32 resolution).

const MANTISSA_BITS: u32 = 9;
const SHIFT: u32 = 52 - MANTISSA_BITS;
const SCALE: f64 = 4_294_967_296.0; // 2^32

#[inline]
fn bucket(v: f64) -> i32 {
    let k = (v.abs().to_bits() >> SHIFT) as i32;
    if v < 0.0 { -k - 1 } else { k }
}

/// The value a bucket stands for: its edge nearest zero, which is the
/// value itself for every number the bucket can hold exactly.
#[inline]
fn representative(k: i32) -> f64 {
    if k >= 0 { f64::from_bits((k as u64) << SHIFT) } else { -f64::from_bits(((-k - 1) as u64) << SHIFT) }
}

#[inline]
fn fixed(v: f64) -> i128 {
    (v * SCALE).round() as i128
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Band {
    /// (bucket, how many values fell in it), sorted by bucket, each bucket
    /// once: 8 bytes a bucket.
    buckets: Vec<(i32, u32)>,
    n: u64,
    sum: i128,
    sum_sq: i128,
}

/// `a + b` for a bucket's count. Four billion values in one bucket would
/// take four billion replications; runs are capped far below that.
#[inline]
fn add_counts(a: u32, b: u32) -> u32 {
    a.checked_add(b).expect("more than 4,294,967,295 values in one bucket of a band")
}

impl Band {
    pub fn new() -> Band {
        Band::default()
    }

    /// Add one replication's value. NaN (a measure that does not exist in
    /// that replication, such as a mean over no items) is skipped.
    #[inline]
    pub fn add(&mut self, v: f64) {
        if v.is_nan() {
            return;
        }
        let k = bucket(v);
        match self.buckets.binary_search_by_key(&k, |&(b, _)| b) {
            Ok(i) => self.buckets[i].1 = add_counts(self.buckets[i].1, 1),
            Err(i) => {
                if self.buckets.len() == self.buckets.capacity() {
                    // Grow by an eighth, not double: little room is left unused.
                    self.buckets.reserve_exact((self.buckets.len() / 8).max(4));
                }
                self.buckets.insert(i, (k, 1));
            }
        }
        self.n += 1;
        self.sum = self.sum.saturating_add(fixed(v));
        self.sum_sq = self.sum_sq.saturating_add(fixed(v * v));
    }

    pub fn merge(&mut self, other: &Band) {
        merge_buckets(&mut self.buckets, &other.buckets);
        self.n += other.n;
        self.sum = self.sum.saturating_add(other.sum);
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
    }

    /// How many distinct buckets the band holds: what its memory grows with.
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }

    /// How many replications had a value.
    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.sum as f64 / SCALE / self.n as f64
    }

    /// Sample standard deviation across replications.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        let n = self.n as f64;
        let mean = self.mean();
        let ss = self.sum_sq as f64 / SCALE - n * mean * mean;
        (ss.max(0.0) / (n - 1.0)).sqrt()
    }

    /// Half-width of the normal-approximation 95% confidence interval of
    /// the mean.
    pub fn ci95(&self) -> f64 {
        1.959_963_984_540_054 * self.sd() / (self.n as f64).sqrt()
    }

    /// Quantile `q` in [0, 1], interpolating between order statistics as
    /// R's type 7 and numpy's default do.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let h = (self.n - 1) as f64 * q.clamp(0.0, 1.0);
        let lo = h.floor() as u64;
        let frac = h - lo as f64;
        let a = self.order_statistic(lo);
        if frac == 0.0 {
            return a;
        }
        let b = self.order_statistic(lo + 1);
        a + frac * (b - a)
    }

    /// The value of rank `i` (0-based) in ascending order.
    fn order_statistic(&self, i: u64) -> f64 {
        let mut seen = 0;
        for &(k, c) in &self.buckets {
            seen += u64::from(c);
            if seen > i {
                return representative(k);
            }
        }
        representative(self.buckets.last().expect("non-empty band").0)
    }

    pub fn min(&self) -> f64 {
        self.buckets.first().map_or(f64::NAN, |&(k, _)| representative(k))
    }

    pub fn max(&self) -> f64 {
        self.buckets.last().map_or(f64::NAN, |&(k, _)| representative(k))
    }
}

/// Append a bucket to sorted buckets whose last is no greater, adding its
/// count to the last one's when they are the same bucket.
#[inline]
fn push(out: &mut Vec<(i32, u32)>, (k, c): (i32, u32)) {
    match out.last_mut() {
        Some(last) if last.0 == k => last.1 = add_counts(last.1, c),
        _ => out.push((k, c)),
    }
}

/// Add the sorted buckets `theirs` into the sorted buckets `mine`.
fn merge_buckets(mine: &mut Vec<(i32, u32)>, theirs: &[(i32, u32)]) {
    // Usually every bucket of theirs is among mine (once a band has seen
    // many values): then the counts are added in place.
    let mut j = 0;
    let all_mine = theirs.iter().all(|&(k, _)| {
        while j < mine.len() && mine[j].0 < k {
            j += 1;
        }
        j < mine.len() && mine[j].0 == k
    });
    if all_mine {
        let mut j = 0;
        for &(k, c) in theirs {
            while mine[j].0 < k {
                j += 1;
            }
            mine[j].1 = add_counts(mine[j].1, c);
        }
        return;
    }
    let mut out = Vec::with_capacity(mine.len() + theirs.len());
    let (mut i, mut j) = (0, 0);
    while i < mine.len() || j < theirs.len() {
        if j == theirs.len() || (i < mine.len() && mine[i].0 <= theirs[j].0) {
            push(&mut out, mine[i]);
            i += 1;
        } else {
            push(&mut out, theirs[j]);
            j += 1;
        }
    }
    out.shrink_to_fit();
    *mine = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_exact() {
        let mut b = Band::new();
        for v in [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0] {
            b.add(v);
        }
        // numpy.percentile([3,1,4,1,5,9,2,6,5,3,5], [10, 50, 90]) = 1, 4, 6
        assert_eq!(b.quantile(0.1), 1.0);
        assert_eq!(b.quantile(0.5), 4.0);
        assert_eq!(b.quantile(0.9), 6.0);
        assert_eq!(b.min(), 1.0);
        assert_eq!(b.max(), 9.0);
        assert!((b.mean() - 44.0 / 11.0).abs() < 1e-9);
    }

    #[test]
    fn interpolates_like_numpy() {
        let mut b = Band::new();
        for v in [10.0, 20.0, 30.0, 40.0] {
            b.add(v);
        }
        // numpy.percentile([10,20,30,40], 10) = 13.0
        assert_eq!(b.quantile(0.1), 13.0);
        assert_eq!(b.quantile(0.5), 25.0);
    }

    #[test]
    fn real_values_are_within_two_per_mille() {
        let mut b = Band::new();
        let values: Vec<f64> = (1..=1000).map(|i| 1234.567 * (i as f64).sqrt()).collect();
        for &v in &values {
            b.add(v);
        }
        let exact = values[499] + 0.5 * (values[500] - values[499]);
        let got = b.quantile(0.5);
        assert!((got - exact).abs() / exact < 0.002, "{got} vs {exact}");
        assert!((b.mean() - values.iter().sum::<f64>() / 1000.0).abs() < 1e-6);
    }

    #[test]
    fn negative_values_keep_their_order() {
        let mut b = Band::new();
        for v in [-5.0, -1.0, 0.0, 2.0, -3.0] {
            b.add(v);
        }
        assert_eq!(b.min(), -5.0);
        assert_eq!(b.quantile(0.5), -1.0);
        assert_eq!(b.max(), 2.0);
    }

    #[test]
    fn merge_is_order_independent() {
        let values: Vec<f64> = (0..500).map(|i| ((i * 7919) % 613) as f64 * 0.37 - 40.0).collect();
        let mut whole = Band::new();
        values.iter().for_each(|&v| whole.add(v));
        let mut a = Band::new();
        let mut b = Band::new();
        let mut c = Band::new();
        for (i, &v) in values.iter().enumerate() {
            [&mut a, &mut b, &mut c][i % 3].add(v);
        }
        let mut left = a.clone();
        left.merge(&b);
        left.merge(&c);
        let mut right = c.clone();
        right.merge(&a);
        right.merge(&b);
        assert_eq!(left, right);
        assert_eq!(left, whole);
    }

    #[test]
    fn nan_is_skipped() {
        let mut b = Band::new();
        b.add(f64::NAN);
        b.add(2.0);
        assert_eq!(b.count(), 1);
        assert!(Band::new().quantile(0.5).is_nan());
    }
}
