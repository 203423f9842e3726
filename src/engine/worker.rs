//! A worker holds several open items at once, each worked at its own pace.
//!
//! An item needs `effort` hours spread over at least `duration` days (a
//! needs assessment: 6 hours over about four weeks of visits, calls and
//! write-up). Its pace is effort / duration hours a day, but never more
//! than the worker's whole casework rate. A worker takes new work while
//! they have free hours (the paces of their open items do not fill their
//! rate) and are under their caseload cap. Taking one item too many
//! overbooks them, and then every open item slows down in proportion, as
//! a stretched worker's cases all drift.
//!
//! With no duration an item takes the worker's whole rate, so the worker
//! is an ordinary one-at-a-time server and textbook queues are reproduced
//! exactly.
//!
//! Items progress on the worker's own clock, which runs at `speed` (0 at
//! weekends, on leave or off sick; 7/5 on a working day of a five-day
//! week, so a normal week still advances it seven days) and slower while
//! overbooked. Each open item stores the clock reading at which it
//! finishes, so only the earliest needs an event, and anything that
//! changes the clock's rate reschedules one event per worker.

#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub finish: f64,
    pub pace: f64,
    pub item: u32,
}

/// What a worker gave between two harvests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Accrued {
    pub hours_available: f64,
    pub hours_worked: f64,
    pub case_days: f64,
    pub post_days: f64,
}

/// Slack for comparing sums of paces with the rate, so a worker whose
/// items exactly fill their hours counts as full despite rounding.
const FULL: f64 = 1.0 - 1e-9;

#[derive(Debug, Clone)]
pub(crate) struct Worker {
    pub role: u16,
    pub cap: u32,
    /// Casework hours per day at normal speed.
    pub rate: f64,
    /// How fast the worker's clock runs now (1 = normal).
    pub speed: f64,
    clock: f64,
    last: f64,
    pub open: Vec<Slot>,
    /// Sum of the paces of open items, hours per day.
    reserved: f64,
    /// Bumped whenever the pending completion event is superseded.
    pub generation: u32,
    hours_available: f64,
    hours_worked: f64,
    case_days: f64,
    post_days: f64,
}

impl Worker {
    pub fn new(role: u16, cap: u32, rate: f64) -> Worker {
        Worker {
            role,
            cap,
            rate,
            speed: 1.0,
            clock: 0.0,
            last: 0.0,
            open: Vec::with_capacity(cap.min(64) as usize),
            reserved: 0.0,
            generation: 0,
            hours_available: 0.0,
            hours_worked: 0.0,
            case_days: 0.0,
            post_days: 0.0,
        }
    }

    #[inline]
    pub fn caseload(&self) -> usize {
        self.open.len()
    }

    /// The pace (hours a day) at which this worker would work an item.
    #[inline]
    pub fn pace(&self, effort: f64, duration: f64) -> f64 {
        if duration > 0.0 { (effort / duration).min(self.rate) } else { self.rate }
    }

    /// Whether the worker takes new work: free hours and under the cap.
    #[inline]
    pub fn has_room(&self) -> bool {
        (self.open.len() as u32) < self.cap && self.reserved < self.rate * FULL
    }

    /// Share of the worker's hours promised to open items (over 1 when
    /// overbooked).
    #[inline]
    pub fn load(&self) -> f64 {
        if self.rate > 0.0 { self.reserved / self.rate } else { f64::INFINITY }
    }

    /// How fast the clock runs: the calendar's speed, slowed while the
    /// open items ask for more hours than the worker has.
    #[inline]
    fn clock_rate(&self) -> f64 {
        if self.reserved > self.rate { self.speed * self.rate / self.reserved } else { self.speed }
    }

    /// Bring the worker's clock and tallies up to `now`.
    #[inline]
    pub fn touch(&mut self, now: f64) {
        let dt = now - self.last;
        if dt > 0.0 {
            let working = self.speed * dt;
            self.clock += self.clock_rate() * dt;
            self.hours_available += self.rate * working;
            self.hours_worked += self.reserved.min(self.rate) * working;
            self.case_days += self.open.len() as f64 * dt;
            self.post_days += dt;
            self.last = now;
        }
    }

    /// Change the clock's speed from `now`. Call `touch(now)` first.
    #[cfg_attr(not(test), allow(dead_code))] // calendars and absence use it next
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = speed;
    }

    /// Allocate an item of `effort` hours at `pace`. Call `touch(now)` first.
    #[inline]
    pub fn add(&mut self, item: u32, effort: f64, pace: f64) {
        self.open.push(Slot { finish: self.clock + effort / pace, pace, item });
        self.reserved += pace;
    }

    /// When the earliest open item will finish at the current clock rate.
    #[inline]
    pub fn next_finish(&self, now: f64) -> Option<f64> {
        let rate = self.clock_rate();
        if self.open.is_empty() || rate <= 0.0 {
            return None;
        }
        let first = self.open.iter().map(|s| s.finish).fold(f64::INFINITY, f64::min);
        Some(now + (first - self.clock).max(0.0) / rate)
    }

    /// Remove and return the item that finishes first. Call `touch(now)` first.
    #[inline]
    pub fn take_first(&mut self) -> u32 {
        let mut best = 0;
        for i in 1..self.open.len() {
            if self.open[i].finish < self.open[best].finish {
                best = i;
            }
        }
        let slot = self.open.swap_remove(best);
        if self.open.is_empty() {
            // Restart from zero so that sums cannot drift and clock
            // readings stay small over long runs.
            self.reserved = 0.0;
            self.clock = 0.0;
        } else {
            self.reserved -= slot.pace;
            self.clock = self.clock.max(slot.finish);
        }
        slot.item
    }

    /// Hand back the accrued tallies and reset them.
    pub fn harvest(&mut self) -> Accrued {
        let out = Accrued {
            hours_available: self.hours_available,
            hours_worked: self.hours_worked,
            case_days: self.case_days,
            post_days: self.post_days,
        };
        self.hours_available = 0.0;
        self.hours_worked = 0.0;
        self.case_days = 0.0;
        self.post_days = 0.0;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_duration_an_item_takes_the_whole_worker() {
        let mut w = Worker::new(0, 5, 5.0);
        let pace = w.pace(10.0, 0.0);
        assert_eq!(pace, 5.0);
        assert!(w.has_room());
        w.add(7, 10.0, pace);
        assert!(!w.has_room(), "a second item must wait");
        assert_eq!(w.next_finish(0.0), Some(2.0));
        w.touch(2.0);
        assert_eq!(w.take_first(), 7);
        let a = w.harvest();
        assert_eq!((a.hours_available, a.hours_worked, a.case_days, a.post_days), (10.0, 10.0, 2.0, 2.0));
    }

    #[test]
    fn items_with_durations_share_the_worker() {
        // 5 hours a day; items of 6 hours over 20 days need 0.3 a day.
        let mut w = Worker::new(0, 12, 5.0);
        let pace = w.pace(6.0, 20.0);
        assert!((pace - 0.3).abs() < 1e-12);
        for i in 0..12 {
            assert!(w.has_room());
            w.add(i, 6.0, pace);
        }
        assert!(!w.has_room(), "the cap of 12 is reached before the hours");
        assert!((w.load() - 0.72).abs() < 1e-12);
        let t = w.next_finish(0.0).unwrap();
        assert!((t - 20.0).abs() < 1e-9);
        w.touch(t);
        let a = w.harvest();
        assert!((a.hours_worked - 72.0).abs() < 1e-9, "12 items x 6 hours");
        assert!((a.hours_available - 100.0).abs() < 1e-9);
    }

    #[test]
    fn an_overbooked_worker_slows_every_item() {
        // 4 hours a day; three items at 2 hours a day overbook by half, so
        // items of 20 hours (10 days at full pace) take 15 days.
        let mut w = Worker::new(0, 10, 4.0);
        w.add(1, 20.0, 2.0);
        assert!(w.has_room());
        w.add(2, 20.0, 2.0);
        assert!(!w.has_room(), "hours are full");
        w.add(3, 20.0, 2.0); // as if allocated before the others
        let t = w.next_finish(0.0).unwrap();
        assert!((t - 15.0).abs() < 1e-9, "{t}");
        w.touch(t);
        let a = w.harvest();
        assert!((a.hours_worked - 60.0).abs() < 1e-9, "worked at the full rate, no more");
    }

    #[test]
    fn a_stopped_clock_delays_completion() {
        let mut w = Worker::new(0, 3, 5.0);
        w.add(1, 5.0, w.pace(5.0, 10.0)); // due on day 10
        w.touch(4.0);
        w.set_speed(0.0); // two days off
        assert_eq!(w.next_finish(4.0), None);
        w.touch(6.0);
        w.set_speed(1.0);
        let t = w.next_finish(6.0).unwrap();
        assert!((t - 12.0).abs() < 1e-12, "{t}");
    }
}
