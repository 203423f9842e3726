//! The top-level modules of src/ import one another without a cycle, so
//! each can be read, tested and changed knowing only the ones below it.
//! The graph comes from the source itself: every `crate::<module>` path,
//! including the groups of `use crate::{...}`, outside comments, strings
//! and `#[cfg(test)]` items. Print it with
//! `cargo test --release --test integration imports -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the top-level modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The crate root and the binary sit above every module and are left out.
const ROOTS: [&str; 2] = ["lib", "main"];

/// The top-level module a file of src/ belongs to: `app` for
/// src/app/run.rs, `runner` for src/runner.rs.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let name = first.as_os_str().to_str()?;
    let name = name.strip_suffix(".rs").unwrap_or(name);
    (!ROOTS.contains(&name)).then(|| name.to_string())
}

fn rust_files(folder: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text with comments removed and the inside of every string and
/// character literal blanked, so that neither a `crate::` nor a brace in
/// them counts. Lengths change; only the code's words and braces matter.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        match rest {
            ['/', '/', ..] => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ['/', '*', ..] => i = after_block_comment(&chars, i),
            ['r', '#' | '"', ..] if !continues_word(&chars, i) && raw_string_opens(rest) => {
                i = after_raw_string(&chars, i);
                out.push_str("\"\"");
            }
            ['"', ..] => {
                i = after_string(&chars, i);
                out.push_str("\"\"");
            }
            // An escaped character literal: `'\''`, `'\n'`, `'\u{7f}'`.
            ['\'', '\\', ..] => {
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            }
            // A character literal; a lifetime (`'a`) has no closing quote.
            ['\'', _, '\'', ..] => {
                i += 3;
                out.push_str("' '");
            }
            [c, ..] => {
                out.push(*c);
                i += 1;
            }
            [] => unreachable!(),
        }
    }
    out
}

/// Whether the `r` at `i` is the last letter of a name rather than the
/// start of a raw string (`br"..."`, a raw byte string, is one).
fn continues_word(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') && chars[i - 1] != 'b'
}

/// `r"`, `r#"`, `r##"`...: a raw string, not a name starting with r.
fn raw_string_opens(rest: &[char]) -> bool {
    let hashes = rest[1..].iter().take_while(|c| **c == '#').count();
    rest.get(1 + hashes) == Some(&'"')
}

fn after_raw_string(chars: &[char], start: usize) -> usize {
    let hashes = chars[start + 1..].iter().take_while(|c| **c == '#').count();
    let mut i = start + 2 + hashes;
    while i < chars.len() {
        if chars[i] == '"' && chars[i + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

fn after_string(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Block comments nest in Rust.
fn after_block_comment(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('*')) => {
                depth += 1;
                i += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    i
}

/// The code with every `#[cfg(test)]` item taken out: a test may reach
/// anywhere, and what it reaches is not a dependency of the program.
fn without_tests(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        rest = &rest[at + "#[cfg(test)]".len()..];
        // The item ends at its first `;` or at the brace that closes its
        // first `{`, whichever comes first.
        let end = match (rest.find(';'), rest.find('{')) {
            (Some(semi), Some(open)) if semi < open => semi + 1,
            (_, Some(open)) => closing_brace(rest, open),
            (Some(semi), None) => semi + 1,
            (None, None) => rest.len(),
        };
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Just past the brace that closes the one at `open`.
fn closing_brace(code: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, c) in code[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + i + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first name of each path in a `use crate::{...}` group: `a` and
/// `b` from `{a::x, b::{y, z}}`.
fn group_heads(group: &str) -> Vec<String> {
    let inner = &group[1..group.len() - 1];
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_start = true;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => at_start = true,
            c if at_start && is_name_char(c) => {
                let name: String = inner[i..].chars().take_while(|c| is_name_char(*c)).collect();
                heads.push(name);
                at_start = false;
            }
            c if at_start && !c.is_whitespace() => at_start = false,
            _ => {}
        }
    }
    heads
}

/// The names that follow `crate::` in a file's code.
fn crate_paths(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].chars().next_back().is_some_and(|c| is_name_char(c) && c != '$') {
            continue; // `mycrate::`, not this crate
        }
        let after = &code[at + "crate::".len()..];
        if after.starts_with('{') {
            names.extend(group_heads(&after[..closing_brace(after, 0)]));
        } else {
            names.push(after.chars().take_while(|c| is_name_char(*c)).collect());
        }
    }
    names
}

/// `crate::Error` is lib.rs's `pub use error::Error`: an import of `error`.
/// Each `pub use <module>::<Name>` of lib.rs is followed the same way.
fn reexports(src: &Path) -> BTreeMap<String, String> {
    let lib = code_only(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    lib.split(';')
        .filter_map(|s| s.trim().strip_prefix("pub use "))
        .filter_map(|path| {
            let (module, name) = path.split_once("::")?;
            let name = name.rsplit("::").next()?.trim();
            Some((name.to_string(), module.trim().to_string()))
        })
        .collect()
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let reexported = reexports(src);
    let mut graph = Graph::new();
    for file in files {
        let Some(from) = module_of(src, &file) else { continue };
        let code = without_tests(&code_only(&std::fs::read_to_string(&file).unwrap()));
        let imports = graph.entry(from.clone()).or_default();
        for name in crate_paths(&code) {
            let to = reexported.get(&name).cloned().unwrap_or(name);
            if to != from {
                imports.insert(to);
            }
        }
    }
    graph
}

/// A cycle, as the modules on it with the first repeated at the end, or
/// none.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Seen {
        Not,
        OnPath,
        Done,
    }
    fn visit<'a>(
        graph: &'a Graph,
        at: &'a str,
        seen: &mut BTreeMap<&'a str, Seen>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        seen.insert(at, Seen::OnPath);
        path.push(at);
        for next in graph.get(at).into_iter().flatten() {
            match seen.get(next.as_str()).copied().unwrap_or(Seen::Not) {
                Seen::OnPath => {
                    let from = path.iter().position(|m| *m == next).unwrap();
                    let mut found: Vec<String> = path[from..].iter().map(|m| m.to_string()).collect();
                    found.push(next.clone());
                    return Some(found);
                }
                Seen::Not => {
                    if let Some(found) = visit(graph, next, seen, path) {
                        return Some(found);
                    }
                }
                Seen::Done => {}
            }
        }
        path.pop();
        seen.insert(at, Seen::Done);
        None
    }
    let mut seen = BTreeMap::new();
    for module in graph.keys() {
        if seen.get(module.as_str()).copied().unwrap_or(Seen::Not) == Seen::Not
            && let Some(found) = visit(graph, module, &mut seen, &mut Vec::new())
        {
            return Some(found);
        }
    }
    None
}

/// One line a module: `runner -> engine, model, results`.
fn shown(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(from, to)| {
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            if to.is_empty() { format!("{from} -> (nothing)") } else { format!("{from} -> {}", to.join(", ")) }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_top_level_modules_import_one_another_without_a_cycle() {
    let graph = graph(&src());
    println!("{}", shown(&graph));
    // The graph itself is checked against what is surely there, so that a
    // search that found nothing cannot pass.
    assert!(graph.len() > 20, "only {} modules found in src/", graph.len());
    assert!(graph["app"].contains("scenario") && graph["runner"].contains("engine"), "{}", shown(&graph));
    if let Some(found) = cycle(&graph) {
        panic!("the modules of src/ import one another in a cycle: {}\n{}", found.join(" -> "), shown(&graph));
    }
}

#[test]
fn comments_strings_and_tests_do_not_count_as_imports() {
    let code = r##"
        use crate::alpha::x; // crate::beta
        /* crate::gamma /* nested */ crate::delta */
        let s = "crate::epsilon {"; let r = r#"crate::zeta "{"#; let c = '{'; let q = '\'';
        fn f<'a>(x: &'a str) -> crate::eta::T { crate::theta::f() }
        #[cfg(test)]
        mod tests { use crate::iota; fn g() { let _ = '}'; crate::kappa::h() } }
        #[cfg(test)]
        use crate::lambda;
        use crate::{mu::a, nu::{b, c}, xi};
        pub(crate) fn h() -> somecrate::T {}
    "##;
    let names = crate_paths(&without_tests(&code_only(code)));
    assert_eq!(names, ["alpha", "eta", "theta", "mu", "nu", "xi"]);
}

#[test]
fn a_cycle_of_any_length_is_found_and_named() {
    let of = |edges: &[(&str, &str)]| {
        let mut g = Graph::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    assert_eq!(cycle(&of(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert_eq!(cycle(&of(&[("a", "b"), ("b", "c"), ("c", "a")])).unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(cycle(&of(&[("x", "y"), ("y", "z"), ("z", "y")])).unwrap(), ["y", "z", "y"]);
}
