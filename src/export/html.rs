//! The self-contained HTML report: one file, charts inlined as SVG, no
//! network requests (a content security policy forbids them).

use std::fmt::Write;

use crate::summary::doc::{Block, Chart, Doc, KpiTable, Table};

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
#headline ul { font-size: 1.12em; padding-left: 1.2em; } ul.sentences li { margin: 0.45em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0 1.6em; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e3e8ee; padding: 0.3em 0.5em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f1f5f9; }
td.p50 { font-weight: 600; }
td.rag { font-weight: 700; text-align: center; color: #fff; } td.rag-green { background: #2e7d32; } td.rag-amber { background: #b26a00; } td.rag-red { background: #c62828; }
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

fn figure(h: &mut String, chart: &Chart, svg: &str) {
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

/// A report page. `svgs` holds each chart's SVG, in `doc.charts()` order;
/// `command` is what reproduces it.
pub fn page(doc: &Doc, svgs: &[String], command: &str) -> String {
    let mut h = String::new();
    head(&mut h, &doc.title);
    let _ = writeln!(h, "<header>\n<h1>{}</h1>", escape(&doc.title));
    for line in &doc.meta {
        let _ = writeln!(h, "<p class=\"meta\">{}</p>", escape(line));
    }
    h.push_str("</header>\n");
    let mut svgs = svgs.iter();
    for section in &doc.sections {
        let _ = writeln!(h, "<section id=\"{}\">\n<h2>{}</h2>", escape(&section.id), escape(&section.title));
        for block in &section.blocks {
            match block {
                Block::Sentences(list) => {
                    h.push_str("<ul class=\"sentences\">\n");
                    for s in list {
                        let _ = writeln!(h, "<li>{}</li>", escape(&s.text));
                    }
                    h.push_str("</ul>\n");
                }
                Block::Paragraph(text) => {
                    let _ = writeln!(h, "<p>{}</p>", escape(text));
                }
                Block::Note(text) => {
                    let _ = writeln!(h, "<p class=\"meta\">{}</p>", escape(text));
                }
                Block::Kpis(t) => kpi_table(&mut h, t),
                Block::Table(t) => table(&mut h, t),
                Block::Chart(chart) => figure(&mut h, chart, svgs.next().map_or("", String::as_str)),
                Block::Definitions(items) => {
                    h.push_str("<dl>\n");
                    for (k, v) in items {
                        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
                    }
                    h.push_str("</dl>\n");
                }
                Block::Text { summary, text } => {
                    let _ = write!(
                        h,
                        "<details open>\n<summary>{}</summary>\n<pre>{}</pre>\n</details>\n",
                        escape(summary),
                        escape(text)
                    );
                }
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str("<footer id=\"stamp\">\n<h2>Reproduce these figures</h2>\n<table>\n");
    for (k, v) in &doc.reproduce {
        let _ = writeln!(h, "<tr><td>{}</td><td><code>{}</code></td></tr>", escape(k), escape(v));
    }
    let _ = write!(
        h,
        "<tr><td>caseflow version</td><td>{}</td></tr>\n<tr><td>command</td><td><code>{}</code></td></tr>\n</table>\n</footer>\n",
        env!("CARGO_PKG_VERSION"),
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

fn kpi_table(h: &mut String, t: &KpiTable) {
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

fn table(h: &mut String, t: &Table) {
    if !t.title.is_empty() {
        let _ = writeln!(h, "<h3>{}</h3>", escape(&t.title));
    }
    h.push_str("<table>\n<thead><tr>");
    for c in &t.header {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            // A rating reads at a glance in its colour.
            match c.as_str() {
                "green" | "amber" | "red" => {
                    let _ = write!(h, "<td class=\"rag rag-{c}\">{c}</td>");
                }
                _ => {
                    let _ = write!(h, "<td>{}</td>", escape(c));
                }
            }
        }
        h.push_str("</tr>\n");
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
