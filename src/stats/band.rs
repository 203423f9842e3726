//! A mergeable summary of one measure over many replications: count, mean,
//! standard deviation and quantiles.
//!
//! Everything inside is an integer, so merging is exactly associative and
//! commutative: however rayon splits and recombines the replications, the
//! result is the same bytes.
//!
//! Means and variances come from fixed-point sums (2^-32 resolution), kept
//! whatever happens to the quantiles.
//!
//! Quantiles come from a log-bucketed histogram that keeps the sign, the
//! exponent and the top 9 bits of the mantissa of each value: whole
//! numbers below 1,024 are kept exactly and anything else to within 0.2%.
//! A bucket is stored in 8 bytes.
//!
//! Memory is flat in the number of replications: a band keeps at most
//! `MAX_BUCKETS` (512) buckets. A band whose values fill more than that
//! drops one mantissa bit, halving its buckets in every octave, and another
//! if they still do not fit, and so on. Where it ends is the finest
//! resolution at which every value it has seen fits in 512 buckets, which
//! depends on those values alone, not on their order or on how they were
//! split between threads and shards; so merging stays exact and order-free
//! (the finer of two bands is coarsened to match before they merge).
//!
//! With `b` bits kept, a bucket is 2^-b of its octave wide: 0.4% at 8 bits,
//! 0.8%, 1.6%, 3.1%, 6.3% at 4 bits. A coarsened bucket stands for its
//! middle, so quantiles are within half that (0.2% to 3.1%); in a band of
//! whole numbers only, it stands for its edge nearest zero, so whole
//! numbers below 2^(b + 1) stay exact and others are within a bucket.
//! Only a band whose values over the run fill more than 512 buckets
//! coarsens (none can with 512 replications or fewer), and it takes values
//! spread over many octaves to go far: in the Halton baseline over 10,000
//! replications, 10,890 of its 14,048 bands keep all 9 bits, and the
//! coarsest, monthly mean waits from nothing to months, keep 4.

const MANTISSA_BITS: u32 = 9;
const SHIFT: u32 = 52 - MANTISSA_BITS;
const SCALE: f64 = 4_294_967_296.0; // 2^32
/// The most buckets a band keeps: beyond it the band coarsens.
pub const MAX_BUCKETS: usize = 512;

#[inline]
fn bucket(v: f64) -> i32 {
    let k = (v.abs().to_bits() >> SHIFT) as i32;
    if v < 0.0 { -k - 1 } else { k }
}

/// The value bucket `k` of a band `coarser` bits coarser than 9 stands
/// for. At 9 bits, and in a band of whole numbers only, its edge nearest
/// zero: the value itself for every number the bucket can hold exactly,
/// such as whole numbers small enough to have a bucket of their own. In a
/// coarsened band of other values, its middle (or zero for the bucket that
/// holds zero), to within half a bucket of every value in it.
#[inline]
fn representative(k: i32, coarser: u8, fractional: bool) -> f64 {
    let shift = SHIFT + u32::from(coarser);
    let m = if k >= 0 { k as u64 } else { (-k - 1) as u64 };
    let edge = f64::from_bits(m << shift);
    let v = if coarser > 0 && fractional && m > 0 {
        let middle = edge + (f64::from_bits((m + 1) << shift) - edge) / 2.0;
        if middle.is_finite() { middle } else { edge }
    } else {
        edge
    };
    if k >= 0 { v } else { -v }
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
    /// Mantissa bits dropped beyond the 9 that a bucket keeps at first:
    /// bucket `k` here is every 9-bit bucket `j` with `j >> coarser == k`.
    coarser: u8,
    /// Whether any value was not a whole number.
    fractional: bool,
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
        self.fractional |= v.fract() != 0.0;
        if insert(&mut self.buckets, bucket(v) >> self.coarser, 1) {
            self.fit();
        }
        self.n += 1;
        self.sum = self.sum.saturating_add(fixed(v));
        self.sum_sq = self.sum_sq.saturating_add(fixed(v * v));
    }

    pub fn merge(&mut self, other: &Band) {
        let coarser = self.coarser.max(other.coarser);
        self.coarsen_to(coarser);
        merge_buckets(&mut self.buckets, &other.buckets, coarser - other.coarser);
        self.fit();
        self.fractional |= other.fractional;
        self.n += other.n;
        self.sum = self.sum.saturating_add(other.sum);
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
    }

    /// Coarsen, a bit at a time, until the band holds no more than
    /// `MAX_BUCKETS` buckets. Each bit halves the number of buckets of an
    /// octave at most, so the band ends at the finest resolution at which
    /// all the values it has seen fit: a function of those values alone,
    /// whatever order they came in and however they were split and merged.
    fn fit(&mut self) {
        if self.buckets.len() <= MAX_BUCKETS {
            return;
        }
        while self.buckets.len() > MAX_BUCKETS {
            self.coarsen_to(self.coarser + 1);
        }
        // Give back the room the buckets no longer need.
        self.buckets.shrink_to(room(self.buckets.len()));
    }

    /// Drop mantissa bits until `coarser` are dropped, adding together the
    /// counts of buckets that become one.
    fn coarsen_to(&mut self, coarser: u8) {
        let by = coarser - self.coarser;
        if by == 0 {
            return;
        }
        let mut kept = 0;
        for i in 0..self.buckets.len() {
            let (k, c) = self.buckets[i];
            let k = k >> by;
            if kept > 0 && self.buckets[kept - 1].0 == k {
                self.buckets[kept - 1].1 = add_counts(self.buckets[kept - 1].1, c);
            } else {
                self.buckets[kept] = (k, c);
                kept += 1;
            }
        }
        self.buckets.truncate(kept);
        self.coarser = coarser;
    }

    /// How many distinct buckets the band holds: what its memory grows
    /// with, never more than `MAX_BUCKETS`.
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }

    /// How many of the 9 mantissa bits a value starts with its bucket still
    /// keeps (9 until the band has had to coarsen; fewer than 0 would mean
    /// octaves merged, and is reported as 0).
    pub fn mantissa_bits(&self) -> u32 {
        MANTISSA_BITS.saturating_sub(u32::from(self.coarser))
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
                return representative(k, self.coarser, self.fractional);
            }
        }
        representative(self.buckets.last().expect("non-empty band").0, self.coarser, self.fractional)
    }

    pub fn min(&self) -> f64 {
        self.buckets.first().map_or(f64::NAN, |&(k, _)| representative(k, self.coarser, self.fractional))
    }

    pub fn max(&self) -> f64 {
        self.buckets.last().map_or(f64::NAN, |&(k, _)| representative(k, self.coarser, self.fractional))
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

/// Room for `len` buckets and an eighth more: vectors of buckets grow by
/// an eighth, not double, so that little memory sits unused.
fn room(len: usize) -> usize {
    len + (len / 8).max(4)
}

/// Add `count` to bucket `k` of the sorted buckets; whether it is new.
#[inline]
fn insert(buckets: &mut Vec<(i32, u32)>, k: i32, count: u32) -> bool {
    match buckets.binary_search_by_key(&k, |&(b, _)| b) {
        Ok(i) => {
            buckets[i].1 = add_counts(buckets[i].1, count);
            false
        }
        Err(i) => {
            if buckets.len() == buckets.capacity() {
                buckets.reserve_exact(room(buckets.len()) - buckets.len());
            }
            buckets.insert(i, (k, count));
            true
        }
    }
}

/// Add the sorted buckets `theirs`, each coarsened by `by` bits, into the
/// sorted buckets `mine`.
fn merge_buckets(mine: &mut Vec<(i32, u32)>, theirs: &[(i32, u32)], by: u8) {
    let theirs = theirs.iter().map(|&(k, c)| (k >> by, c));
    // A few buckets into many (a thread's last few replications into the
    // total): each is looked up.
    if theirs.len() * 16 <= mine.len() {
        theirs.for_each(|(k, c)| {
            insert(mine, k, c);
        });
        return;
    }
    // Usually every bucket of theirs is among mine (once a band has seen
    // many values): then the counts are added in place.
    let mut j = 0;
    let all_mine = theirs.clone().all(|(k, _)| {
        while j < mine.len() && mine[j].0 < k {
            j += 1;
        }
        j < mine.len() && mine[j].0 == k
    });
    if all_mine {
        let mut j = 0;
        for (k, c) in theirs {
            while mine[j].0 < k {
                j += 1;
            }
            mine[j].1 = add_counts(mine[j].1, c);
        }
        return;
    }
    let mut out = Vec::with_capacity(mine.len() + theirs.len());
    let mut theirs = theirs.peekable();
    let mut i = 0;
    loop {
        match (mine.get(i), theirs.peek()) {
            (Some(&a), Some(&b)) if a.0 <= b.0 => {
                push(&mut out, a);
                i += 1;
            }
            (_, Some(&b)) => {
                push(&mut out, b);
                theirs.next();
            }
            (Some(&a), None) => {
                push(&mut out, a);
                i += 1;
            }
            (None, None) => break,
        }
    }
    out.shrink_to(room(out.len()));
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
    fn whole_numbers_below_1024_are_exact() {
        let mut b = Band::new();
        for v in [1021.0, 1022.0, 1023.0] {
            b.add(v);
        }
        assert_eq!((b.min(), b.quantile(0.5), b.max()), (1021.0, 1022.0, 1023.0));
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

    /// Values spread over twelve octaves in scrambled order, and their
    /// negatives: far more than `MAX_BUCKETS` distinct 9-bit buckets.
    fn spread(count: u64) -> Vec<f64> {
        (0..count)
            .map(|i| {
                let x = (i.wrapping_mul(2_654_435_761) % 1_000_003) as f64 / 1_000_003.0;
                let v = 0.01 * 4096f64.powf(x);
                if i % 5 == 0 { -v } else { v }
            })
            .collect()
    }

    #[test]
    fn a_band_keeps_at_most_max_buckets_and_says_how_finely() {
        let values = spread(20_000);
        let mut b = Band::new();
        for &v in &values {
            b.add(v);
            assert!(b.buckets() <= MAX_BUCKETS);
        }
        assert_eq!(b.count(), 20_000);
        let bits = b.mantissa_bits();
        assert!(bits < 9, "{} buckets at 9 bits", b.buckets());
        // One bit finer would not have fitted.
        let mut finer: Vec<i32> = values.iter().map(|&v| bucket(v) >> (8 - bits)).collect();
        finer.sort_unstable();
        finer.dedup();
        assert!(finer.len() > MAX_BUCKETS);
        // Quantiles are within half a bucket of the exact ones: buckets
        // stand for their middles, and are 2^-bits of their octave wide.
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
            let h = (sorted.len() - 1) as f64 * q;
            let (a, b_) = (sorted[h as usize], sorted[(h as usize + 1).min(sorted.len() - 1)]);
            let exact = a + (h - h.floor()) * (b_ - a);
            let got = b.quantile(q);
            let half_bucket = a.abs().max(b_.abs()) * 0.5f64.powi(bits as i32 + 1);
            assert!((got - exact).abs() <= half_bucket, "q {q}: {got} vs {exact}");
        }
        // Means come from the sums, which coarsening does not touch.
        assert!((b.mean() - values.iter().sum::<f64>() / 20_000.0).abs() < 1e-6);
    }

    #[test]
    fn a_coarsened_band_is_the_same_whatever_the_order_and_the_split() {
        let values = spread(6_000);
        let mut whole = Band::new();
        values.iter().for_each(|&v| whole.add(v));
        assert!(whole.mantissa_bits() < 9);
        // Parts of very different sizes: some coarsen, some do not.
        for cuts in [[10, 600, 3_000], [2_999, 3_000, 5_990], [1, 2, 3]] {
            let parts: Vec<Band> = [0, cuts[0], cuts[1], cuts[2]]
                .iter()
                .zip([cuts[0], cuts[1], cuts[2], values.len()])
                .map(|(&from, to)| {
                    let mut b = Band::new();
                    values[from..to].iter().rev().for_each(|&v| b.add(v));
                    b
                })
                .collect();
            for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]] {
                let mut merged = Band::new();
                for i in order {
                    merged.merge(&parts[i]);
                }
                assert_eq!(merged, whole, "cuts {cuts:?}, order {order:?}");
            }
            let mut pairs = parts[0].clone();
            pairs.merge(&parts[1]);
            let mut other = parts[3].clone();
            other.merge(&parts[2]);
            other.merge(&pairs);
            assert_eq!(other, whole, "cuts {cuts:?}, in pairs");
        }
    }

    #[test]
    fn up_to_max_buckets_distinct_values_keep_nine_bits() {
        let mut b = Band::new();
        for i in 0..MAX_BUCKETS {
            b.add((MAX_BUCKETS - 1 - i) as f64);
        }
        assert_eq!((b.buckets(), b.mantissa_bits()), (MAX_BUCKETS, 9));
        assert_eq!(b.min(), 0.0);
        assert_eq!(b.max(), (MAX_BUCKETS - 1) as f64);
        assert_eq!(b.quantile(0.5), (MAX_BUCKETS - 1) as f64 / 2.0);
        // Whole numbers below 512 have distinct buckets at 8 bits too
        // (below 2^(bits + 1) they do), so one more value takes it to 7,
        // where those below 256 are still exact.
        b.add(1e6);
        assert_eq!((b.buckets(), b.mantissa_bits()), (385, 7));
        assert_eq!(b.min(), 0.0);
        assert!((b.quantile(0.1) - 51.2).abs() < 1e-9, "{}", b.quantile(0.1));
        assert_eq!(b.max(), 1e6 - 1e6 % 4096.0);
    }

    #[test]
    fn zero_stays_zero_in_a_coarsened_band() {
        let mut b = Band::new();
        for _ in 0..100 {
            b.add(0.0);
        }
        spread(5_000).iter().for_each(|&v| b.add(v.abs()));
        assert!(b.mantissa_bits() < 9);
        assert_eq!(b.min(), 0.0);
        assert_eq!(b.quantile(0.01), 0.0);
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
