//! Supervision sessions: each supervised worker in post has a session
//! every week, fortnight or month (newly qualified workers more often at
//! first). A session takes the worker away from casework for its hours,
//! so their casework hours fall by exactly that. A worker away on leave
//! or sick has the session the next day they are back, if that is before
//! the next one is due; otherwise it is missed. Under a policy of
//! cancelling under pressure, a session is cancelled when more of the
//! worker's hours are promised to work than the limit.

use super::Sim;
use super::events::Event;
use crate::model::Model;
use crate::model::health::Every;

/// Each supervised post's sessions (none without supervision).
pub(super) struct Supervision {
    sessions: Vec<Sessions>,
}

/// One post's sessions: which chain of events is current (it changes
/// when the post changes hands), when its holder started, and when the
/// pending session was due.
#[derive(Debug, Clone, Copy, Default)]
struct Sessions {
    generation: u32,
    since: f64,
    due: f64,
}

impl Supervision {
    pub fn new(m: &Model) -> Supervision {
        let n = if m.supervision.is_some() { m.posts.len() } else { 0 };
        Supervision { sessions: vec![Sessions::default(); n] }
    }

    /// Post `w`'s chain of sessions, stopped, begins again for a holder
    /// who started at `since`; returns the chain's generation.
    fn begin(&mut self, w: usize, since: f64) -> u32 {
        let s = &mut self.sessions[w];
        s.since = since;
        s.generation
    }

    /// Post `w`'s sessions end: their events are stale from now.
    fn stop(&mut self, w: usize) {
        let s = &mut self.sessions[w];
        s.generation = s.generation.wrapping_add(1);
    }

    /// Whether an event of post `w`'s chain `generation` is current.
    fn is_current(&self, w: usize, generation: u32) -> bool {
        self.sessions[w].generation == generation
    }
}

impl Sim<'_> {
    fn supervised(&self, w: usize) -> bool {
        self.m.supervision.is_some() && self.m.roles[self.staff[w].role as usize].supervised
    }

    /// Sessions of post `w` begin for a new holder who started at `since`;
    /// the first is due at `first`.
    pub(super) fn start_sessions(&mut self, w: usize, since: f64, first: Option<f64>) {
        if !self.supervised(w) {
            return;
        }
        self.stop_sessions(w);
        let generation = self.supervision.begin(w, since);
        let first = first.unwrap_or_else(|| self.next_session(w, since));
        self.supervision.sessions[w].due = first;
        if first <= self.end {
            self.events.push(first, Event::Supervision { worker: w as u32, generation });
        }
    }

    /// The post's holder leaves (or the post closes): their sessions end.
    pub(super) fn stop_sessions(&mut self, w: usize) {
        if !self.supervised(w) {
            return;
        }
        self.supervision.stop(w);
        // The caller has touched the worker and reschedules them.
        if self.staff[w].in_supervision() {
            self.staff.post(w).set_away_supervision(false);
        }
    }

    /// When the session after one due at `t` is due.
    fn next_session(&self, w: usize, t: f64) -> f64 {
        let s = self.m.supervision.as_ref().expect("supervision");
        let age = t - self.supervision.sessions[w].since;
        let every = if self.staff[w].asye {
            s.asye.iter().find(|(until, _)| age < *until).map_or(s.every, |x| x.1)
        } else {
            s.every
        };
        match every {
            Every::Week => t + 7.0,
            Every::Fortnight => t + 14.0,
            Every::Month => {
                // The same day next month, at the same time of day.
                let date = self.m.date_at(t);
                let into = t - self.m.time_of(date);
                self.m.time_of(date + chrono::Months::new(1)) + into
            }
        }
    }

    pub(super) fn on_supervision(&mut self, w: usize, generation: u32) {
        if !self.supervision.is_current(w, generation) || !self.staff[w].in_post() {
            return;
        }
        let s = self.m.supervision.as_ref().expect("supervision");
        let due = self.supervision.sessions[w].due;
        let next = self.next_session(w, due);
        if self.staff[w].away() && self.now + 1.0 < next {
            // Away: the session waits for them, a day at a time.
            if self.now + 1.0 <= self.end {
                self.events.push(self.now + 1.0, Event::Supervision { worker: w as u32, generation });
            }
            return;
        }
        let busy = s.cancel_above_load.is_some_and(|limit| self.staff[w].load() > limit);
        let mut wk = self.staff.post(w);
        wk.acc.supervision_planned += s.hours;
        if !wk.away() && !busy && wk.rate > 0.0 {
            wk.acc.supervision_delivered += s.hours;
            let cal = &self.m.calendar;
            let end = cal.time_at(cal.work(self.now) + s.hours / wk.rate).max(self.now);
            drop(wk);
            self.change_worker(w, |wk| wk.set_away_supervision(true));
            if end <= self.end {
                self.events.push(end, Event::SupervisionEnds { worker: w as u32, generation });
            }
        }
        self.supervision.sessions[w].due = next;
        if next <= self.end {
            self.events.push(next, Event::Supervision { worker: w as u32, generation });
        }
    }

    pub(super) fn on_supervision_ends(&mut self, w: usize, generation: u32) {
        if self.supervision.is_current(w, generation) {
            self.change_worker(w, |wk| wk.set_away_supervision(false));
        }
    }
}
