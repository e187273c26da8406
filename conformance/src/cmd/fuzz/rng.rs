//! A small deterministic random number generator (SplitMix64): every body is a pure function
//! of the run's seed, the venue and the body's index, so any body can be made again alone.

/// SplitMix64: fast, and good enough to pick mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

/// One SplitMix64 step as a mixing function.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a name, so a venue's bodies do not depend on which other venues run.
pub fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Rng {
    /// The generator of body `index` of `venue` in the run seeded with `seed`.
    pub fn for_body(seed: u64, venue: &str, index: u64) -> Rng {
        Rng(mix(mix(seed) ^ mix(name_hash(venue)) ^ index))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// A number in `lo..=hi`, spread evenly over the orders of magnitude.
    pub fn log_range(&mut self, lo: usize, hi: usize) -> usize {
        let (lo, hi) = (lo.max(1) as f64, hi.max(lo.max(1)) as f64);
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let x = (lo.ln() + u * (hi.ln() - lo.ln())).exp();
        (x.round() as usize).clamp(lo as usize, hi as usize)
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A random byte.
    pub fn byte(&mut self) -> u8 {
        self.next_u64() as u8
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_range_stays_in_bounds_and_reaches_both_ends() {
        let mut r = Rng::for_body(1, "v", 0);
        let xs: Vec<usize> = (0..10_000).map(|_| r.log_range(1_000, 100_000)).collect();
        assert!(xs.iter().all(|x| (1_000..=100_000).contains(x)));
        assert!(xs.iter().any(|&x| x < 1_100) && xs.iter().any(|&x| x > 90_000));
    }

    #[test]
    fn bodies_depend_on_seed_venue_and_index() {
        let a = Rng::for_body(1, "v", 0).next_u64();
        assert_eq!(a, Rng::for_body(1, "v", 0).next_u64());
        assert_ne!(a, Rng::for_body(2, "v", 0).next_u64());
        assert_ne!(a, Rng::for_body(1, "w", 0).next_u64());
        assert_ne!(a, Rng::for_body(1, "v", 1).next_u64());
    }
}
