//! Scenario files: TOML → `RawScenario` (serde, unknown keys refused) →
//! checked `Model`. Every problem is reported with its file, line, column
//! and key path.

mod check;
pub mod locate;
pub mod raw;

use std::path::Path;

use sha2::{Digest, Sha256};
use toml::de::DeTable;

use crate::error::{Error, Problem, ScenarioError};
use crate::model::Model;
use locate::{path_at, span_of};

/// A model with what it was read from, for the reproducibility stamp.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub model: Model,
    /// The path as the user gave it.
    pub file: String,
    /// SHA-256 of the file's bytes, in hex (as `sha256sum` prints it).
    pub sha256: String,
    /// The comment block at the top of the file: where scenarios say what
    /// they are and where their figures come from.
    pub header: String,
}

pub fn load(path: &Path) -> Result<Scenario, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    let file = path.display().to_string();
    let text = String::from_utf8(bytes.clone()).map_err(|_| {
        Error::Scenario(ScenarioError {
            file: file.clone(),
            text: String::new(),
            problems: vec![Problem { path: String::new(), message: "the file is not UTF-8 text".into(), span: None }],
        })
    })?;
    let model = parse(&text, &file)?;
    Ok(Scenario { model, file, sha256: sha256_hex(&bytes), header: header_comment(&text) })
}

/// The leading `#` comment lines, without the `#`.
pub fn header_comment(text: &str) -> String {
    text.lines()
        .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        .map(|l| {
            l.trim_start().trim_start_matches('#').strip_prefix(' ').unwrap_or(l.trim_start().trim_start_matches('#'))
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Parse and check scenario text; `file` is only used in messages.
pub fn parse(text: &str, file: &str) -> Result<Model, ScenarioError> {
    let fail = |problems: Vec<Problem>| ScenarioError { file: file.to_string(), text: text.to_string(), problems };
    // The spanned document first: it turns later problems into places.
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let message = e.message().trim().to_string();
            return Err(fail(vec![Problem { path: String::new(), message, span: e.span() }]));
        }
    };
    let raw: raw::RawScenario = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span();
            let path = span.as_ref().map(|s| path_at(doc.get_ref(), s.start).to_string()).unwrap_or_default();
            let message = e.message().trim().to_string();
            return Err(fail(vec![Problem { path, message, span }]));
        }
    };
    check::check(&raw, file).map_err(|problems| {
        fail(
            problems
                .into_iter()
                .map(|(path, message)| Problem { span: span_of(doc.get_ref(), &path), path: path.to_string(), message })
                .collect(),
        )
    })
}
