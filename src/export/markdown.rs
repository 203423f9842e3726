//! A Markdown summary beside the HTML, for pasting into papers.

use std::fmt::Write;

use crate::summary::doc::{Block, Doc};

/// `chart_dir` is where the PNGs are, relative to the Markdown file.
pub fn page(doc: &Doc, chart_dir: &str, command: &str) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", doc.title);
    for line in &doc.meta {
        let _ = writeln!(m, "{line}\n");
    }
    for section in &doc.sections {
        let _ = writeln!(m, "## {}\n", section.title);
        for block in &section.blocks {
            match block {
                Block::Sentences(list) => {
                    for s in list {
                        let _ = writeln!(m, "- {}", s.text);
                    }
                    m.push('\n');
                }
                Block::Paragraph(text) => {
                    let _ = writeln!(m, "{text}\n");
                }
                Block::Note(text) => {
                    let _ = writeln!(m, "*{text}*\n");
                }
                Block::Kpis(t) => {
                    let _ = writeln!(
                        m,
                        "### {}\n\n| measure | P50 | P10 | P90 | mean |\n|---|---:|---:|---:|---:|",
                        t.title
                    );
                    for row in &t.rows {
                        let b = &row.bands;
                        let _ = writeln!(
                            m,
                            "| {} | {} | {} | {} | {} |",
                            cell(&row.label),
                            row.show(b.p50),
                            row.show(b.p10),
                            row.show(b.p90),
                            row.show(b.mean)
                        );
                    }
                    m.push('\n');
                }
                Block::Table(t) => {
                    if !t.title.is_empty() {
                        let _ = writeln!(m, "### {}\n", t.title);
                    }
                    let _ = writeln!(m, "| {} |", t.header.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
                    let _ = writeln!(m, "|---|{}", t.header.iter().skip(1).map(|_| "---:|").collect::<String>());
                    for row in &t.rows {
                        let _ = writeln!(m, "| {} |", row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
                    }
                    m.push('\n');
                }
                Block::Chart(c) => {
                    let _ = writeln!(m, "![{}]({chart_dir}/{}.png)\n\n*{}*\n", c.title, c.id, c.caption);
                }
                Block::Definitions(items) => {
                    for (k, v) in items {
                        let _ = writeln!(m, "- **{k}**: {v}");
                    }
                    m.push('\n');
                }
                Block::Text { summary, text } => {
                    let _ = writeln!(m, "{summary}:\n");
                    for line in text.lines() {
                        let _ = writeln!(m, "    {line}");
                    }
                    m.push('\n');
                }
            }
        }
    }
    let _ = writeln!(m, "## Reproduce\n");
    for (k, v) in &doc.reproduce {
        let _ = writeln!(m, "- {k}: `{v}`");
    }
    let _ = writeln!(m, "- caseflow version: {}\n\n    {command}", env!("CARGO_PKG_VERSION"));
    m
}

/// Table cell text: a pipe would end the cell.
fn cell(s: &str) -> String {
    s.replace('|', "/")
}
