//! Between key paths (`flows[2].effort_hours.median`) and places in the
//! file (byte spans, lines and columns), so every problem can say where it is.

use std::fmt;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path of keys and array indices from the document root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> KeyPath {
        KeyPath(Vec::new())
    }

    pub fn key(&self, k: &str) -> KeyPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> KeyPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// The span of the value at `path`, or of its deepest existing ancestor
/// when the path leads to a key that is missing.
pub fn span_of(doc: &DeTable<'_>, path: &KeyPath) -> Option<Range<usize>> {
    let mut found: Option<Range<usize>> = None;
    let mut table = Some(doc);
    let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    for seg in &path.0 {
        let next = match seg {
            Seg::Key(k) => table.and_then(|t| t.iter().find(|(key, _)| key.get_ref() == k).map(|(_, v)| v)),
            Seg::Index(i) => array.and_then(|a| a.get(*i)),
        };
        let Some(v) = next else { break };
        found = Some(v.span());
        table = match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
        array = match v.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => None,
        };
    }
    found
}

/// The deepest key path whose key or value covers byte `offset`. Table
/// spans cover only their `[header]`, so every branch is searched.
pub fn path_at(doc: &DeTable<'_>, offset: usize) -> KeyPath {
    let mut best = KeyPath::root();
    search_table(doc, offset, &mut KeyPath::root(), &mut best);
    best
}

fn search_table(t: &DeTable<'_>, offset: usize, path: &mut KeyPath, best: &mut KeyPath) {
    for (k, v) in t.iter() {
        path.0.push(Seg::Key(k.get_ref().to_string()));
        if k.span().contains(&offset) || v.span().contains(&offset) {
            consider(path, best);
        }
        search_value(v.get_ref(), offset, path, best);
        path.0.pop();
    }
}

fn search_value(v: &DeValue<'_>, offset: usize, path: &mut KeyPath, best: &mut KeyPath) {
    match v {
        DeValue::Table(t) => search_table(t, offset, path, best),
        DeValue::Array(a) => {
            for (i, e) in a.iter().enumerate() {
                path.0.push(Seg::Index(i));
                if e.span().contains(&offset) {
                    consider(path, best);
                }
                search_value(e.get_ref(), offset, path, best);
                path.0.pop();
            }
        }
        _ => {}
    }
}

fn consider(path: &KeyPath, best: &mut KeyPath) {
    if path.0.len() > best.0.len() {
        *best = path.clone();
    }
}

/// 1-based line and column (in characters) of byte `offset`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "[scenario]\nname = \"x\"\n\n[[flows]]\nname = \"a\"\n\n[[flows]]\nname = \"b\"\neffort_hours = { dist = \"lognormal\", median = -3 }\n";

    #[test]
    fn finds_the_span_of_a_nested_key() {
        let doc = DeTable::parse(DOC).unwrap();
        let p = KeyPath::root().key("flows").index(1).key("effort_hours").key("median");
        let span = span_of(doc.get_ref(), &p).unwrap();
        assert_eq!(&DOC[span.clone()], "-3");
        assert_eq!(line_col(DOC, span.start), (9, 47));
        assert_eq!(p.to_string(), "flows[1].effort_hours.median");
    }

    #[test]
    fn missing_key_falls_back_to_its_parent() {
        let doc = DeTable::parse(DOC).unwrap();
        let p = KeyPath::root().key("flows").index(0).key("effort_hours");
        // Tables are spanned by their header, a fair place to point.
        let span = span_of(doc.get_ref(), &p).unwrap();
        assert_eq!(&DOC[span.clone()], "[[flows]]");
        assert_eq!(line_col(DOC, span.start).0, 4);
    }

    #[test]
    fn finds_the_path_at_an_offset() {
        let doc = DeTable::parse(DOC).unwrap();
        let offset = DOC.find("-3").unwrap();
        assert_eq!(path_at(doc.get_ref(), offset).to_string(), "flows[1].effort_hours.median");
    }
}
