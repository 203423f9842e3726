//! What a name may be. Names are keys: they go into `--set` and targets,
//! file names, table cells and the terminal, so they are held to a plain
//! character set (letters, digits, spaces and `_-()'&`), start with a
//! letter or digit, and are at most `MAX` characters. A cell that begins
//! with `=`, `+`, `-` or `@` could then only come from elsewhere, and
//! nothing in a name can move the cursor or colour the terminal.

/// Longest name, in characters.
pub const MAX: usize = 100;
/// Characters a name may use besides letters and digits.
pub const MARKS: &str = " _-()'&";
/// Names the tables and targets use themselves.
pub const RESERVED: [&str; 1] = ["total"];

/// What is wrong with a name, if anything.
pub fn problem(name: &str) -> Option<String> {
    let n = name.chars().count();
    if name.trim().is_empty() {
        return Some("must not be empty".into());
    }
    if n > MAX {
        return Some(format!("is {n} characters long; a name is at most {MAX}"));
    }
    if let Some(c) = name.chars().find(|&c| !c.is_alphanumeric() && !MARKS.contains(c)) {
        return Some(format!(
            "'{}' has the character {}: a name uses letters, digits, spaces and {}",
            visible(name),
            shown(c),
            "_ - ( ) ' &"
        ));
    }
    if !name.starts_with(char::is_alphanumeric) {
        return Some(format!("'{name}' must start with a letter or digit"));
    }
    if name.ends_with(' ') {
        return Some(format!("'{name}' must not end with a space"));
    }
    if let Some(r) = RESERVED.iter().find(|r| r.eq_ignore_ascii_case(name)) {
        return Some(format!("'{name}' is reserved (targets and tables use '{r}' for the whole); choose another name"));
    }
    None
}

/// A character as a message shows it: printable ones quoted, others as
/// their code.
fn shown(c: char) -> String {
    if is_control(c) || c.is_whitespace() { c.escape_unicode().to_string() } else { format!("'{c}'") }
}

/// A character that would move the cursor, colour the terminal or
/// reorder text when shown.
pub fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text as a message can show it: control characters escaped, long text cut.
pub fn visible(s: &str) -> String {
    let mut out: String = s.chars().take(60).flat_map(char::escape_debug).collect();
    if s.chars().count() > 60 {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_and_others_say_why() {
        for ok in ["social_worker", "Team A (north)", "O'Brien & Co", "bia-2", "Ynys Môn"] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        assert!(problem("=cmd|' /C calc'!A0").unwrap().contains("'='"));
        assert!(problem("-x").unwrap().contains("start with a letter or digit"));
        assert!(problem("a\u{1b}[31m").unwrap().contains("\\u{1b}"));
        assert!(problem("line\nbreak").unwrap().contains("\\u{a}"));
        assert!(problem(&"x".repeat(101)).unwrap().contains("at most 100"));
        assert!(problem("Total").unwrap().contains("reserved"));
    }
}
