//! The code's shape: no function outside tests runs over 80 lines, unless
//! its doc comment says why ("long because ...").

use std::path::{Path, PathBuf};

/// Most lines a function may take, from its `fn` line to its closing brace.
const MOST_LINES: usize = 80;

/// A function found in a source file.
#[derive(Debug, PartialEq)]
struct Function {
    name: String,
    /// 1-based line of `fn`.
    line: usize,
    lines: usize,
    /// Its doc comment says why it is long.
    excused: bool,
}

/// The source with every comment, string and character literal blanked
/// to spaces (newlines kept), so that only code's braces are left.
fn code_only(src: &str) -> Vec<char> {
    let s: Vec<char> = src.chars().collect();
    let mut out = s.clone();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        for c in &mut out[from..to.min(s.len())] {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    let mut i = 0;
    while i < s.len() {
        let next = s.get(i + 1).copied();
        let ident_before = i > 0 && (s[i - 1].is_alphanumeric() || s[i - 1] == '_');
        let end = if s[i] == '/' && next == Some('/') {
            (i..s.len()).find(|&j| s[j] == '\n').unwrap_or(s.len())
        } else if s[i] == '/' && next == Some('*') {
            block_comment_end(&s, i)
        } else if s[i] == '"' {
            string_end(&s, i + 1)
        } else if !ident_before && (s[i] == 'r' || (s[i] == 'b' && next == Some('r'))) {
            raw_string_end(&s, i).unwrap_or(i + 1)
        } else if s[i] == '\'' {
            char_end(&s, i).unwrap_or(i + 1)
        } else {
            i + 1
        };
        if end > i + 1 {
            blank(&mut out, i, end);
        }
        i = end.max(i + 1);
    }
    out
}

/// Just past the end of a block comment starting at `i` (they nest).
fn block_comment_end(s: &[char], i: usize) -> usize {
    let (mut depth, mut j) = (0, i);
    while j < s.len() {
        if s[j] == '/' && s.get(j + 1) == Some(&'*') {
            depth += 1;
            j += 2;
        } else if s[j] == '*' && s.get(j + 1) == Some(&'/') {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return j;
            }
        } else {
            j += 1;
        }
    }
    s.len()
}

/// Just past the closing quote of a string whose text starts at `j`.
fn string_end(s: &[char], mut j: usize) -> usize {
    while j < s.len() {
        match s[j] {
            '\\' => j += 2,
            '"' => return j + 1,
            _ => j += 1,
        }
    }
    s.len()
}

/// Just past a raw string (`r"..."`, `r#"..."#`, `br"..."`) at `i`, if one starts there.
fn raw_string_end(s: &[char], i: usize) -> Option<usize> {
    let mut j = i + if s[i] == 'b' { 2 } else { 1 };
    let hashes = s[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    if s.get(j) != Some(&'"') {
        return None;
    }
    let close: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
    (j + 1..s.len()).find(|&k| s[k..].starts_with(&close)).map(|k| k + close.len()).or(Some(s.len()))
}

/// Just past a character literal at `i`; `None` for a lifetime (`'a`).
fn char_end(s: &[char], i: usize) -> Option<usize> {
    if s.get(i + 1) == Some(&'\\') {
        return (i + 3..s.len()).find(|&k| s[k] == '\'').map(|k| k + 1);
    }
    (s.get(i + 2) == Some(&'\'')).then_some(i + 3)
}

/// The index just past the brace that closes the one at `open`.
fn closing(code: &[char], open: usize) -> usize {
    let mut depth = 0;
    for (k, &c) in code.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// Where a `fn` at `from` opens its body, if it has one (a trait's
/// declaration ends in `;`); brackets are skipped so `[u8; 4]` is no end.
fn body_start(code: &[char], from: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, &c) in code.iter().enumerate().skip(from) {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '{' if depth == 0 => return Some(k),
            ';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// The name of the function declared on this line of code, if one is.
fn declared(line: &str) -> Option<String> {
    let mut words = line.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let qualifier = w == "pub"
            || w.starts_with("pub(")
            || ["const", "async", "unsafe", "extern", "default"].contains(&w)
            || w.starts_with('"');
        if w == "fn" {
            let name: String = words.next()?.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            return (!name.is_empty()).then_some(name);
        }
        if !qualifier {
            return None;
        }
    }
    None
}

/// Every function in a source file outside `#[cfg(test)]` items, with its length.
fn functions(src: &str) -> Vec<Function> {
    let code = code_only(src);
    let text: String = code.iter().collect();
    let starts: Vec<usize> =
        std::iter::once(0).chain(code.iter().enumerate().filter(|(_, c)| **c == '\n').map(|(k, _)| k + 1)).collect();
    let line_of = |k: usize| starts.partition_point(|&s| s <= k);
    let original: Vec<&str> = src.lines().collect();
    let mut skipped: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = starts[n];
        if skipped.iter().any(|&(a, b)| a <= at && at < b) {
            continue;
        }
        if line.trim_start().starts_with("#[cfg(test)]") {
            if let Some(open) = body_start(&code, at + line.chars().count()) {
                skipped.push((at, closing(&code, open)));
            }
            continue;
        }
        let Some(name) = declared(line) else { continue };
        let Some(open) = body_start(&code, at) else { continue };
        let lines = line_of(closing(&code, open) - 1) - n;
        let doc = original[..n].iter().rev().take_while(|l| {
            let l = l.trim_start();
            l.starts_with("///") || l.starts_with("#[") || l.starts_with("//")
        });
        let excused = doc.into_iter().any(|l| l.contains("long because"));
        out.push(Function { name, line: n + 1, lines, excused });
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("a directory entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_function_outside_tests_runs_over_80_lines_unless_it_says_why() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "found only {} files under src/", files.len());
    let mut long = Vec::new();
    for file in &files {
        let src = std::fs::read_to_string(file).expect("a source file is text");
        for f in functions(&src).into_iter().filter(|f| f.lines > MOST_LINES && !f.excused) {
            let shown = file.strip_prefix(root).unwrap_or(file).display();
            long.push(format!("{shown}:{} {} ({} lines)", f.line, f.name, f.lines));
        }
    }
    assert!(
        long.is_empty(),
        "{} functions run over {MOST_LINES} lines; split them along their comment headings, or say why in the doc comment (\"long because ...\"):\n{}",
        long.len(),
        long.join("\n")
    );
}

#[test]
fn braces_in_strings_chars_and_comments_are_not_counted() {
    let src = r####"
/// Short.
pub(crate) fn shaped<'a>(x: &'a str) -> [u8; 2] {
    let open = "{ \" {";
    let raw = r#"{ "{" "#;
    let c = '{';
    let e = '\'';
    // a comment with {
    /* a block { /* nested { */ still { */
    let bytes = br"{";
    [0, 1]
}

trait T {
    fn declared(&self) -> u8;
}

#[cfg(test)]
mod tests {
    fn inside_tests() {}
}

/// long because one table is clearer whole
async fn later() {
    let _ = '}';
}
"####;
    let found = functions(src);
    let brief: Vec<(&str, usize, usize, bool)> =
        found.iter().map(|f| (f.name.as_str(), f.line, f.lines, f.excused)).collect();
    assert_eq!(brief, vec![("shaped", 3, 10, false), ("later", 24, 3, true)]);
}
