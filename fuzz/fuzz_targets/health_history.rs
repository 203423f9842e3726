//! The health check's history parsers on any text: the staff history,
//! the activity history and last year's `health_check.csv`, then last
//! year as observed from the two histories against the example
//! scenario. Each returns figures or problems with lines; none panics.
//!
//! The input is the staff history, then the activity history and last
//! year's table after lines of `#---`.
#![no_main]

use std::sync::OnceLock;

use caseflow::history::{History, observed, read};
use caseflow::model::Model;
use libfuzzer_sys::fuzz_target;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let text = include_str!("../../scenarios/health-check-example.toml");
        caseflow::scenario::parse(text, "health-check-example.toml").expect("the example loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split("\n#---\n");
    let (staff, activity, previous) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
    let staff = read::parse_as_of(staff, "staff.csv", today);
    let activity = read::parse_as_of(activity, "activity.csv", today);
    for e in [&staff, &activity].into_iter().filter_map(|r| r.as_ref().err()) {
        let _ = e.to_string();
    }
    if let (Ok(s @ History::Staff(_)), Ok(a @ History::Activity(_))) = (&staff, &activity) {
        let seen = observed::of(model(), s, a);
        let _ = seen.warnings();
        assert!(seen.rows.iter().all(|r| r.value.is_finite()), "a figure that is not a number");
    }
    if let Some(p) = previous {
        let _ = caseflow::summary::health::read_previous(p, "health_check.csv");
    }
});
