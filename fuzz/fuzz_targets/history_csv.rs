//! The history CSV reader on any text: it returns history or problems with
//! lines, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match caseflow::history::read::parse(&text, "fuzz.csv") {
        Ok(_) => {}
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
