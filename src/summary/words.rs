//! Scenario keys in the words the reports use: what a person reads where
//! a file would say `roles.social_worker_bia.fte`.

use crate::format::significant;
use crate::model::Model;
use crate::model::dist::Dist;
use crate::model::workforce::label_of;

/// A dotted key as `--set` and `--vary` take it, in words:
/// `roles.social_worker_bia.fte` -> "social workers who are also BIAs (FTE)".
pub fn key(m: &Model, key: &str) -> String {
    let segs: Vec<&str> = key.split('.').collect();
    match segs.as_slice() {
        ["roles", name, rest @ ..] => {
            let label = m.role_id(name).map_or_else(|| label_of(name), |r| m.roles[r as usize].label.clone());
            match rest {
                [] => label,
                [field] => format!("{label} ({})", field_words(field)),
                _ => format!("{label}: {}", rest.iter().map(|s| field_words(s)).collect::<Vec<_>>().join(", ")),
            }
        }
        ["flows", name, rest @ ..] => {
            let label = m.flow_id(name).map_or_else(|| label_of(name), |f| m.flow_title(f as usize));
            format!("{label}: {}", rest.iter().map(|s| field_words(s)).collect::<Vec<_>>().join(", "))
        }
        ["legal_changes", name, "multiplier"] => {
            let label =
                m.legal_changes.iter().find(|l| l.name == *name).map_or_else(|| label_of(name), |l| l.label.clone());
            format!("{label}: share of people who still need authorisation")
        }
        _ => segs.iter().map(|s| field_words(s)).collect::<Vec<_>>().join(", "),
    }
}

/// One key's field in words: "fte" -> "FTE", "per_week" -> "assessments a week".
fn field_words(field: &str) -> String {
    match field {
        "fte" => "FTE".into(),
        "count" => "people".into(),
        "per_week" => "assessments a week at most".into(),
        "dols_share" => "share of the week for DoLS".into(),
        "vacancies" => "vacant posts".into(),
        "salary" => "salary a year".into(),
        "fee" => "fee per assessment".into(),
        "caseload_cap" => "most open pieces of work".into(),
        "turnover_per_year" => "leavers a year, as a share".into(),
        "per_year" => "a year".into(),
        "arrivals" => "arrivals".into(),
        "multiplier" => "multiplier".into(),
        other => other.replace('_', " "),
    }
}

/// "social workers who are also BIAs (FTE) 22": a candidate's values in words.
pub fn values(m: &Model, keys: &[&str], values: &[f64]) -> String {
    keys.iter().zip(values).map(|(k, v)| format!("{} {}", key(m, k), number(*v))).collect::<Vec<_>>().join(", ")
}

/// A value as a person writes it: "22", "0.35".
pub fn number(v: f64) -> String {
    crate::format::significant(v, 4)
}

/// A distribution in a report's words: with the words, not in model/, so
/// the checked model needs nothing of how numbers are shown.
impl Dist {
    /// In words: "triangular 0.3-0.8, most likely 0.5".
    pub fn describe(&self) -> String {
        let n = |v: f64| significant(v, 4);
        match self {
            Dist::Fixed(v) => n(*v),
            Dist::Exponential { mean } => format!("exponential, mean {}", n(*mean)),
            Dist::LogNormal { median, p90, .. } => format!("lognormal, median {}, P90 {}", n(*median), n(*p90)),
            Dist::Gamma { mean, cv, .. } => format!("gamma, mean {}, cv {}", n(*mean), n(*cv)),
            Dist::Uniform { min, max, .. } => format!("uniform {}-{}", n(*min), n(*max)),
            Dist::Triangular { min, mode, max, .. } => {
                format!("triangular {}-{}, most likely {}", n(*min), n(*max), n(*mode))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_read_as_the_reports_name_things() {
        let m = crate::scenario::parse(
            "[scenario]\nname = \"w\"\nstart = 2020-04-01\nyears = 1\n\n[[flows]]\nname = \"work\"\neffort_hours = { dist = \"fixed\", value = 1 }\narrivals = { per_year = 10 }\n\n[[roles]]\nname = \"social_worker_bia\"\nlabel = \"social workers who are also BIAs\"\nfte = 2\nhours_per_week = 37\ncaseload_cap = 10\nskills = [\"work\"]\n",
            "w.toml",
        )
        .unwrap();
        assert_eq!(super::key(&m, "roles.social_worker_bia.fte"), "social workers who are also BIAs (FTE)");
        assert_eq!(super::key(&m, "flows.work.arrivals.per_year"), "work: arrivals, a year");
        assert_eq!(
            super::values(&m, &["roles.social_worker_bia.fte"], &[22.0]),
            "social workers who are also BIAs (FTE) 22"
        );
    }
}
