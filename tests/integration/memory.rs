//! Memory stays flat in the number of replications: a band's buckets are
//! stored compactly, and a run keeps at most one aggregate per thread
//! (`determinism.rs` checks that).

use caseflow::stats::Band;

use crate::alloc::peak_during;

#[test]
fn a_band_stores_a_bucket_in_about_eight_bytes() {
    // 1,000 values in 1,000 buckets: 512..1023, then 1024, 1026, ...
    let (band, used) = peak_during(|| {
        let mut b = Band::new();
        for i in 0..1000 {
            b.add(f64::from(512 + i % 512) * f64::from(1 + i / 512));
        }
        b
    });
    assert_eq!(band.buckets(), 1000);
    assert!(used <= 10 * 1000, "{used} bytes for 1,000 buckets while adding");
    let (merged, used) = peak_during(|| {
        let mut m = Band::new();
        m.merge(&band);
        m
    });
    assert!(merged == band);
    assert!(used <= 8 * 1000, "{used} bytes for 1,000 buckets merged");
}
