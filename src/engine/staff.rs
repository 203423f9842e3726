//! The posts, with an index of who has room for which kind of work.
//!
//! New work goes to the least-loaded post with room, so that question is
//! asked on nearly every event. The index answers it from a few
//! contiguous numbers per post, and it is only right if it follows every
//! change to a post. So a post can be changed only through `post(w)`,
//! whose guard refreshes the post's entries when it goes out of scope:
//! no call site has to remember to.

use std::ops::{Deref, DerefMut, Index};

use super::worker::Worker;
use crate::model::{Calendar, DolsPolicy, Model, WorkKind};

pub(crate) struct Staff {
    posts: Vec<Worker>,
    /// Per kind of work (care management, DoLS) and post: the post's load
    /// if they have room for that kind, else infinity.
    room_key: [Vec<f64>; 2],
    /// Times a post's clock and tallies were brought up to date.
    updates: u64,
}

impl Staff {
    pub fn new(posts: Vec<Worker>) -> Staff {
        let n = posts.len();
        let mut staff = Staff { posts, room_key: [vec![f64::INFINITY; n], vec![f64::INFINITY; n]], updates: 0 };
        for w in 0..n {
            staff.sync(w);
        }
        staff
    }

    /// The model's posts as they stand at the start.
    pub fn of(m: &Model) -> Staff {
        let posts = m
            .posts
            .iter()
            .map(|w| {
                let role = &m.roles[w.role as usize];
                let share = match role.dols_policy {
                    DolsPolicy::FixedShare { share, .. } => Some(share),
                    _ => None,
                };
                let flows: Vec<(u16, bool)> =
                    w.skills.iter().map(|&(_, f)| (f, m.flows[f as usize].kind == WorkKind::Dols)).collect();
                let mut worker = Worker::new(w.role, w.fte, w.caseload_cap, w.hours_per_day, share, &flows);
                if role.cpd_share > 0.0 {
                    worker.set_development(role.rates(w.fte, false).1);
                }
                worker
            })
            .collect();
        Staff::new(posts)
    }

    pub fn len(&self) -> usize {
        self.posts.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Worker> {
        self.posts.iter()
    }

    /// Post `w`, to change; the index follows when the guard is dropped.
    #[inline]
    pub fn post(&mut self, w: usize) -> PostMut<'_> {
        PostMut { staff: self, w }
    }

    /// Post `w` with its clock and tallies brought up to `now`, to change.
    #[inline]
    pub fn post_at(&mut self, w: usize, now: f64, cal: &Calendar) -> PostMut<'_> {
        if self.posts[w].touch(now, cal) {
            self.updates += 1;
        }
        self.post(w)
    }

    /// Times a post's clock and tallies were brought up to date.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    #[inline]
    fn sync(&mut self, w: usize) {
        let wk = &self.posts[w];
        let load = wk.load();
        let rooms = wk.rooms();
        self.room_key[0][w] = if rooms[0] { load } else { f64::INFINITY };
        self.room_key[1][w] = if rooms[1] { load } else { f64::INFINITY };
    }

    /// The least-loaded post with room for the kind of work (DoLS or care
    /// management) among `ranges` of posts, lowest index first among
    /// equals; the first with nothing to do, if there is one.
    #[inline]
    pub fn least_loaded(&self, dols: bool, ranges: &[(usize, usize)]) -> Option<usize> {
        let best = least_loaded(&self.room_key[usize::from(dols)], ranges);
        debug_assert!(best.is_none_or(|w| self.posts[w].has_room(dols)), "room index out of step");
        best
    }
}

/// The post with the least key among `ranges` of posts, the lowest index
/// (in the order of the ranges) among equals; the first with a key of
/// zero or less if there is one; `None` if every key is infinite.
#[inline]
fn least_loaded(keys: &[f64], ranges: &[(usize, usize)]) -> Option<usize> {
    let mut best = None;
    let mut best_load = f64::INFINITY;
    for &(lo, hi) in ranges {
        let keys = &keys[lo..hi];
        // The least key first, without a branch per post that the
        // processor cannot predict; then where it is.
        let least = least(keys);
        if least <= 0.0 {
            // Nobody has less than nothing to do.
            return keys.iter().position(|&k| k <= 0.0).map(|i| lo + i);
        }
        if least < best_load {
            best_load = least;
            best = keys.iter().position(|&k| k == least).map(|i| lo + i);
        }
    }
    best
}

/// The least of `keys` (infinity if none), in four running minima that
/// the compiler keeps in vector registers.
#[inline]
fn least(keys: &[f64]) -> f64 {
    let smaller = |a: f64, b: f64| if b < a { b } else { a };
    let mut m = [f64::INFINITY; 4];
    let chunks = keys.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for j in 0..4 {
            m[j] = smaller(m[j], c[j]);
        }
    }
    rest.iter().fold(smaller(smaller(m[0], m[1]), smaller(m[2], m[3])), |a, &b| smaller(a, b))
}

impl Index<usize> for Staff {
    type Output = Worker;

    #[inline]
    fn index(&self, w: usize) -> &Worker {
        &self.posts[w]
    }
}

/// A post being changed; its entries in the index are refreshed on drop.
pub(crate) struct PostMut<'a> {
    staff: &'a mut Staff,
    w: usize,
}

impl Deref for PostMut<'_> {
    type Target = Worker;

    #[inline]
    fn deref(&self) -> &Worker {
        &self.staff.posts[self.w]
    }
}

impl DerefMut for PostMut<'_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Worker {
        &mut self.staff.posts[self.w]
    }
}

impl Drop for PostMut<'_> {
    #[inline]
    fn drop(&mut self) {
        self.staff.sync(self.w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOWS: [(u16, bool); 2] = [(0, false), (1, true)];

    fn staff(n: usize) -> Staff {
        Staff::new((0..n).map(|_| Worker::new(0, 1.0, 2, 5.0, None, &FLOWS)).collect())
    }

    #[test]
    fn the_index_follows_every_change_made_through_a_post() {
        let mut s = staff(3);
        assert_eq!(s.least_loaded(false, &[(0, 3)]), Some(0), "all idle: the first");
        s.post(0).add(1, 0, 10.0, 2.0, false);
        assert_eq!(s.least_loaded(false, &[(0, 3)]), Some(1), "post 0 is busier now");
        s.post(1).add(2, 0, 10.0, 1.0, false);
        s.post(2).add(3, 0, 10.0, 1.0, false);
        assert_eq!(s.least_loaded(false, &[(0, 3)]), Some(1), "equal loads: the lowest index");
        {
            let mut p = s.post(1);
            p.add(4, 0, 10.0, 1.0, false);
            p.set_away_sick(true);
        }
        assert_eq!(s.least_loaded(false, &[(0, 3)]), Some(2), "post 1 has no room while away");
        s.post(2).add(5, 0, 10.0, 0.5, false);
        assert_eq!(s.least_loaded(false, &[(0, 3)]), Some(0), "post 2 is at its cap of 2");
        assert_eq!(s.least_loaded(false, &[(1, 3)]), None, "nobody in the range has room");
        s.post(0).add(6, 0, 10.0, 0.5, false);
        assert_eq!(s.least_loaded(false, &[(0, 3)]), None, "every cap is reached");
    }

    /// The search post by post that `least_loaded` replaces.
    fn one_by_one(keys: &[f64], ranges: &[(usize, usize)]) -> Option<usize> {
        let mut best = None;
        let mut best_load = f64::INFINITY;
        for &(lo, hi) in ranges {
            for (i, &load) in keys[lo..hi].iter().enumerate() {
                if load < best_load {
                    best_load = load;
                    best = Some(lo + i);
                    if load <= 0.0 {
                        return best;
                    }
                }
            }
        }
        best
    }

    #[test]
    fn the_least_key_is_found_as_one_post_at_a_time_would() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
        let values = [0.0, -0.0, -0.5, 0.25, 0.5, 0.75, 1.0, f64::INFINITY];
        for _ in 0..20_000 {
            let n = rng.random_range(0..24);
            let keys: Vec<f64> = (0..n).map(|_| values[rng.random_range(0..values.len())]).collect();
            let cut = |rng: &mut rand_pcg::Pcg64Mcg| rng.random_range(0..=n);
            let (a, b, c) = (cut(&mut rng), cut(&mut rng), cut(&mut rng));
            let mut ranges = vec![(a.min(b), a.max(b)), (c.min(b), c.max(b)), (0, n)];
            ranges.truncate(rng.random_range(1..=3));
            assert_eq!(least_loaded(&keys, &ranges), one_by_one(&keys, &ranges), "{keys:?} {ranges:?}");
        }
    }
}
