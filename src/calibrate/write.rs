//! The calibrated scenario as an overlay file: `base =` the original,
//! then each calibrated value where the original keeps it.

use crate::scenario::value_in;

/// One value to write: its key as `--set` names it, the TOML text, and a
/// comment for the end of its line.
pub struct Line {
    pub key: String,
    pub value: String,
    pub comment: String,
}

/// Overlay text: a header of comment lines, `base = "..."`, a new
/// scenario name, then each value placed in its table (an entry of a
/// list of named tables by `name`, deeper keys as inline tables, which
/// overlays merge key by key).
pub fn overlay(header: &[String], base: &str, scenario: (&str, &str), doc: &toml::Table, lines: &[Line]) -> String {
    let (name, description) = scenario;
    let mut out: String = header.iter().map(|h| format!("# {h}\n").replace("# \n", "#\n")).collect();
    out.push_str(&format!(
        "base = {}\n\n[scenario]\nname = {}\ndescription = {}\n",
        quoted(base),
        quoted(name),
        quoted(description)
    ));
    // Group by the table each value goes in, in order of first mention.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for l in lines {
        let (table, rest) = place(doc, &l.key);
        let comment = if l.comment.is_empty() { String::new() } else { format!("  # {}", l.comment) };
        let line = format!("{}{comment}", inline_key(&rest, &l.value));
        match groups.iter_mut().find(|(t, _)| *t == table) {
            Some((_, v)) => v.push(line),
            None => groups.push((table, vec![line])),
        }
    }
    for (table, body) in groups {
        out.push('\n');
        out.push_str(&table);
        out.push('\n');
        for l in body {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

/// The table header a key's value goes under (`[[roles]]\nname = "x"`),
/// and the rest of the key within it.
fn place(doc: &toml::Table, key: &str) -> (String, Vec<String>) {
    let segs: Vec<&str> = key.split('.').collect();
    let top = segs[0];
    let named = value_in(doc, top).and_then(toml::Value::as_array).is_some_and(|a| a.iter().all(toml::Value::is_table));
    if named && segs.len() >= 3 {
        (format!("[[{top}]]\nname = {}", quoted(segs[1])), segs[2..].iter().map(|s| s.to_string()).collect())
    } else if segs.len() >= 2 {
        (format!("[{top}]"), segs[1..].iter().map(|s| s.to_string()).collect())
    } else {
        (String::new(), segs.iter().map(|s| s.to_string()).collect())
    }
}

/// `a.b.c` = v as `a = { b = { c = v } }`.
fn inline_key(rest: &[String], value: &str) -> String {
    match rest {
        [] => value.to_string(),
        [k] => format!("{k} = {value}"),
        [k, more @ ..] => format!("{k} = {{ {} }}", inline_key(more, value)),
    }
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
