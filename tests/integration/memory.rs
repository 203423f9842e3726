//! Memory stays flat in the number of replications: a band keeps at most
//! `MAX_BUCKETS` buckets, stored compactly, and a run keeps one total and
//! a small aggregate per thread (`determinism.rs` checks that).

use caseflow::stats::{Band, MAX_BUCKETS};

use crate::alloc::peak_during;

/// `count` values in as many buckets: 512..1023, then 1024, 1026, ...
fn distinct(count: usize) -> impl Iterator<Item = f64> {
    (0..count as u32).map(|i| f64::from(512 + i % 512) * f64::from(1 + i / 512))
}

#[test]
fn a_band_stores_a_bucket_in_about_eight_bytes() {
    let (band, used) = peak_during(|| {
        let mut b = Band::new();
        distinct(MAX_BUCKETS).for_each(|v| b.add(v));
        b
    });
    assert_eq!((band.buckets(), band.mantissa_bits()), (MAX_BUCKETS, 9));
    assert!(used <= 10 * MAX_BUCKETS, "{used} bytes for {MAX_BUCKETS} buckets while adding");
    let (merged, used) = peak_during(|| {
        let mut m = Band::new();
        m.merge(&band);
        m
    });
    assert!(merged == band);
    assert!(used <= 10 * MAX_BUCKETS, "{used} bytes for {MAX_BUCKETS} buckets merged");
}

#[test]
fn a_band_of_ever_more_distinct_values_stays_within_its_bound() {
    let (band, used) = peak_during(|| {
        let mut b = Band::new();
        distinct(50 * MAX_BUCKETS).for_each(|v| b.add(v));
        b
    });
    assert!(band.buckets() <= MAX_BUCKETS, "{} buckets", band.buckets());
    assert!(band.mantissa_bits() < 9);
    assert!(used <= 10 * MAX_BUCKETS, "{used} bytes for {} values", band.count());
    // Merged with itself: the same buckets, twice the counts.
    let (_, used) = peak_during(|| {
        let mut m = band.clone();
        m.merge(&band);
        m
    });
    assert!(used <= 2 * 10 * MAX_BUCKETS, "{used} bytes while merging");
}
