//! Random-number streams.
//!
//! Every source of randomness in a replication has its own stream, named by
//! its purpose and the flow or role it serves and derived from (seed,
//! replication) by SHA-256. Streams therefore do not shift when the
//! scenario adds a flow or a worker, which keeps common random numbers
//! common when two staffing scenarios are compared, and a replication's
//! numbers never depend on which thread ran it.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use sha2::{Digest, Sha256};

pub type Stream = Pcg64Mcg;

pub fn stream(seed: u64, replication: u64, purpose: &str, name: &str) -> Stream {
    let mut h = Sha256::new();
    h.update(b"caseflow/stream/v1");
    h.update(seed.to_le_bytes());
    h.update(replication.to_le_bytes());
    for part in [purpose, name] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Pcg64Mcg::from_seed(bytes)
}

/// The private stream of one item, from a seed drawn by whoever created it.
#[inline]
pub fn item_stream(seed: u64) -> Stream {
    Pcg64Mcg::seed_from_u64(seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_every_part_of_their_name() {
        let a = stream(1, 0, "arrivals", "contact").next_u64();
        assert_eq!(a, stream(1, 0, "arrivals", "contact").next_u64());
        assert_ne!(a, stream(2, 0, "arrivals", "contact").next_u64());
        assert_ne!(a, stream(1, 1, "arrivals", "contact").next_u64());
        assert_ne!(a, stream(1, 0, "work", "contact").next_u64());
        assert_ne!(a, stream(1, 0, "arrivals", "review").next_u64());
        // Length prefixes keep ("ab", "c") apart from ("a", "bc").
        assert_ne!(stream(1, 0, "ab", "c").next_u64(), stream(1, 0, "a", "bc").next_u64());
    }
}
