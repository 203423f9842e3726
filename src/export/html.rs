//! The self-contained HTML report: one file, charts inlined as SVG, no
//! network requests (a content security policy forbids them).

use std::fmt::Write;

use crate::summary::compare::Comparison;
use crate::summary::report::{Chart, KpiTable, Report, Sentence};

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

const STYLE: &str = r#"
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 0 auto; max-width: 1150px; padding: 1.5em; color: #1d2733; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #d6e2ee; padding-bottom: 0.2em; margin-top: 1.8em; }
.meta { color: #56606b; margin-top: 0; }
#headline ul { font-size: 1.12em; padding-left: 1.2em; } #headline li { margin: 0.45em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0 1.6em; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e3e8ee; padding: 0.3em 0.5em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f1f5f9; }
td.p50 { font-weight: 600; }
figure { margin: 1.4em 0; page-break-inside: avoid; } figure svg { width: 100%; height: auto; border: 1px solid #e3e8ee; }
figcaption { color: #56606b; font-size: 0.9em; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.3em 1.2em; } dt { font-weight: 600; } dd { margin: 0; }
pre { background: #f6f8fa; padding: 1em; overflow-x: auto; font-size: 0.85em; white-space: pre-wrap; }
footer { margin-top: 2.5em; border-top: 2px solid #d6e2ee; font-size: 0.9em; }
@media print { body { max-width: none; } h2 { page-break-after: avoid; } }
"#;

fn head(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
<title>{} - caseflow</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
}

fn figures(h: &mut String, charts: &[Chart], svgs: &[String]) {
    for (chart, svg) in charts.iter().zip(svgs) {
        let svg = svg.trim_start_matches(|c| c != '<');
        let svg = match svg.strip_prefix("<?xml") {
            Some(rest) => &rest[rest.find("?>").map_or(0, |i| i + 2)..],
            None => svg,
        };
        let _ = write!(
            h,
            "<figure id=\"chart-{id}\" data-chart=\"{id}\">\n{svg}\n<figcaption><strong>{}.</strong> {}</figcaption>\n</figure>\n",
            escape(&chart.title),
            escape(&chart.caption),
            id = chart.id
        );
    }
}

/// The comparison page.
pub fn compare_page(c: &Comparison, svgs: &[String], command: &str) -> String {
    let mut h = String::new();
    head(&mut h, &format!("{} compared", c.names.join(" vs ")));
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">The same {} simulated futures (replications, seed {}) for each scenario, so differences come from what the scenarios change. Differences are paired: each future's value in one scenario minus the same future's value in {}.</p>\n</header>\n",
        escape(&c.names.join(" vs ")),
        crate::format::thousands(c.replications as f64),
        c.seed,
        escape(&c.names[0])
    );
    h.push_str("<section id=\"headline\">\n<h2>In short</h2>\n<ul>\n");
    for s in &c.headline {
        let _ = writeln!(h, "<li>{}</li>", escape(s));
    }
    h.push_str("</ul>\n</section>\n<section id=\"kpis\">\n<h2>Side by side</h2>\n<table>\n<thead><tr><th>measure</th>");
    for n in &c.names {
        let _ = write!(h, "<th>{} P50 (P10-P90)</th>", escape(n));
    }
    for n in &c.names[1..] {
        let _ = write!(h, "<th>{} minus {} P50 (P10-P90)</th>", escape(n), escape(&c.names[0]));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &c.rows {
        let _ = write!(h, "<tr><td>{}</td>", escape(&row.label));
        for v in &row.values {
            let _ =
                write!(h, "<td><strong>{}</strong> ({}-{})</td>", row.show(v.p50), row.show(v.p10), row.show(v.p90));
        }
        for d in &row.differences {
            let _ = write!(
                h,
                "<td><strong>{}</strong> ({} to {})</td>",
                row.show_diff(d.p50),
                row.show_diff(d.p10),
                row.show_diff(d.p90)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</section>\n<section id=\"charts\">\n<h2>Charts</h2>\n");
    figures(&mut h, &c.charts, svgs);
    h.push_str("</section>\n<footer id=\"stamp\">\n<h2>Reproduce these figures</h2>\n<table>\n");
    for ((n, f), sha) in c.names.iter().zip(&c.files).zip(&c.shas) {
        let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td><code>{sha}</code></td></tr>", escape(n), escape(f));
    }
    let _ = write!(
        h,
        "<tr><td>seed</td><td colspan=\"2\">{}</td></tr>\n<tr><td>replications</td><td colspan=\"2\">{}</td></tr>\n\
<tr><td>caseflow version</td><td colspan=\"2\">{}</td></tr>\n<tr><td>command</td><td colspan=\"2\"><code>{}</code></td></tr>\n</table>\n</footer>\n",
        c.seed,
        c.replications,
        env!("CARGO_PKG_VERSION"),
        escape(command)
    );
    h.push_str(CHECK_SCRIPT);
    h.push_str("</body>\n</html>\n");
    h
}

/// The report page. `svgs` holds each chart's SVG, in `report.charts` order.
pub fn page(report: &Report, svgs: &[String], command: &str) -> String {
    let mut h = String::new();
    let r = report;
    head(&mut h, &r.title);
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n<p class=\"meta\">{} to {}, by {}; {} simulated futures (replications), seed {}.</p>\n</header>\n",
        escape(&r.title),
        escape(&r.description),
        r.from,
        r.to,
        r.period,
        crate::format::thousands(r.stamp.replications as f64),
        r.stamp.seed
    );
    h.push_str("<section id=\"headline\">\n<h2>In short</h2>\n<ul>\n");
    for Sentence { text, .. } in &r.headline {
        let _ = writeln!(h, "<li>{}</li>", escape(text));
    }
    h.push_str("</ul>\n<p class=\"meta\">Figures are medians (P50) with the range that 80% of simulated futures fall in (P10-P90).</p>\n</section>\n");

    h.push_str("<section id=\"kpis\">\n<h2>Key figures</h2>\n");
    for t in &r.tables {
        table(&mut h, t);
    }
    h.push_str("</section>\n<section id=\"charts\">\n<h2>Charts</h2>\n");
    figures(&mut h, &r.charts, svgs);
    h.push_str("</section>\n<section id=\"assumptions\">\n<h2>Key assumptions</h2>\n<dl>\n");
    for (k, v) in &r.assumptions {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    }
    h.push_str("</dl>\n");
    if !r.notes.is_empty() {
        let _ = write!(
            h,
            "<details open>\n<summary>Notes at the top of the scenario file (sources and assumptions)</summary>\n<pre>{}</pre>\n</details>\n",
            escape(&r.notes)
        );
    }
    h.push_str("</section>\n");
    let s = &r.stamp;
    let _ = write!(
        h,
        "<footer id=\"stamp\">\n<h2>Reproduce these figures</h2>\n<table>\n\
<tr><td>scenario</td><td>{}</td></tr>\n<tr><td>scenario file</td><td>{}</td></tr>\n\
<tr><td>scenario file SHA-256</td><td><code>{}</code></td></tr>\n<tr><td>seed</td><td>{}</td></tr>\n\
<tr><td>replications</td><td>{}</td></tr>\n<tr><td>caseflow version</td><td>{}</td></tr>\n\
<tr><td>command</td><td><code>{}</code></td></tr>\n</table>\n</footer>\n",
        escape(&s.scenario),
        escape(&r.scenario_file),
        s.scenario_sha256,
        s.seed,
        s.replications,
        escape(&s.version),
        escape(command)
    );
    h.push_str(CHECK_SCRIPT);
    h.push_str("</body>\n</html>\n");
    h
}

/// Reports any chart that failed to render, as a console error, so that a
/// headless browser test sees it.
const CHECK_SCRIPT: &str = r#"<script>
(function () {
  var figures = document.querySelectorAll("figure[data-chart]");
  var ok = figures.length > 0;
  figures.forEach(function (f) {
    var svg = f.querySelector("svg");
    var box = svg ? svg.getBoundingClientRect() : null;
    if (!svg || !box || box.width < 100 || box.height < 50 || svg.querySelectorAll("path, polygon, polyline, rect").length < 3) {
      ok = false;
      console.error("chart missing or empty: " + f.getAttribute("data-chart"));
    }
  });
  document.body.setAttribute("data-charts", ok ? "ok" : "broken");
})();
</script>
"#;

fn table(h: &mut String, t: &KpiTable) {
    let _ = write!(
        h,
        "<h3>{}</h3>\n<table>\n<thead><tr><th>measure</th><th>P50</th><th>P10</th><th>P90</th><th>mean</th></tr></thead>\n<tbody>\n",
        escape(&t.title)
    );
    for row in &t.rows {
        let b = &row.bands;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"p50\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row.label),
            row.show(b.p50),
            row.show(b.p10),
            row.show(b.p90),
            row.show(b.mean)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
    }
}
