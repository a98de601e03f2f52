//! Any bytes as a profile: loading must give a document or located diagnostics, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = mlzone::profile::load_str(std::path::Path::new("fuzz.yaml"), text.to_owned());
    }
});
