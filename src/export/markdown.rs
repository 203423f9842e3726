//! A Markdown summary beside the HTML, for pasting into papers.

use std::fmt::Write;

use crate::summary::compare::Comparison;
use crate::summary::report::Report;

/// `chart_dir` is where the PNGs are, relative to the Markdown file.
pub fn summary(report: &Report, chart_dir: &str, command: &str) -> String {
    let r = report;
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", r.title);
    if !r.description.is_empty() {
        let _ = writeln!(m, "{}\n", r.description);
    }
    let _ = writeln!(
        m,
        "{} to {}, by {}; {} replications, seed {}.\n",
        r.from,
        r.to,
        r.period,
        crate::format::thousands(r.stamp.replications as f64),
        r.stamp.seed
    );
    let _ = writeln!(m, "## In short\n");
    for s in &r.headline {
        let _ = writeln!(m, "- {}", s.text);
    }
    let _ = writeln!(m, "\nFigures are medians (P50) with the range 80% of simulated futures fall in (P10-P90).\n");
    let _ = writeln!(m, "## Key figures\n");
    for t in &r.tables {
        let _ = writeln!(m, "### {}\n\n| measure | P50 | P10 | P90 | mean |\n|---|---:|---:|---:|---:|", t.title);
        for row in &t.rows {
            let b = &row.bands;
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} |",
                row.label.replace('|', "/"),
                row.show(b.p50),
                row.show(b.p10),
                row.show(b.p90),
                row.show(b.mean)
            );
        }
        m.push('\n');
    }
    let _ = writeln!(m, "## Charts\n");
    for c in &r.charts {
        let _ = writeln!(m, "![{}]({chart_dir}/{}.png)\n\n*{}*\n", c.title, c.id, c.caption);
    }
    let s = &r.stamp;
    let _ = writeln!(
        m,
        "## Reproduce\n\nScenario `{}` ({}), SHA-256 `{}`, seed {}, {} replications, caseflow {}:\n\n    {command}",
        s.scenario, r.scenario_file, s.scenario_sha256, s.seed, s.replications, s.version
    );
    m
}

/// The comparison as Markdown.
pub fn comparison(c: &Comparison, chart_dir: &str, command: &str) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", c.names.join(" vs "));
    let _ = writeln!(
        m,
        "The same {} simulated futures (seed {}) for each scenario; differences are paired, each scenario minus {}.\n",
        crate::format::thousands(c.replications as f64),
        c.seed,
        c.names[0]
    );
    for s in &c.headline {
        let _ = writeln!(m, "- {s}");
    }
    let _ = write!(m, "\n| measure |");
    for n in &c.names {
        let _ = write!(m, " {n} |");
    }
    for n in &c.names[1..] {
        let _ = write!(m, " {n} minus {} |", c.names[0]);
    }
    let _ = write!(m, "\n|---|");
    for _ in 0..(2 * c.names.len() - 1) {
        m.push_str("---:|");
    }
    m.push('\n');
    for row in &c.rows {
        let _ = write!(m, "| {} |", row.label);
        for v in &row.values {
            let _ = write!(m, " {} ({}-{}) |", row.show(v.p50), row.show(v.p10), row.show(v.p90));
        }
        for d in &row.differences {
            let _ = write!(m, " {} ({} to {}) |", row.show_diff(d.p50), row.show_diff(d.p10), row.show_diff(d.p90));
        }
        m.push('\n');
    }
    m.push('\n');
    for ch in &c.charts {
        let _ = writeln!(m, "![{}]({chart_dir}/{}.png)\n", ch.title, ch.id);
    }
    let _ = writeln!(m, "Reproduce:\n\n    {command}");
    m
}
