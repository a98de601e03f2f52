//! Any text through the whole pipeline: diagnostics that render, or files that render.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = match mlzone::profile::load_str(Path::new("fuzz.yaml"), text.to_owned()) {
        Ok(loaded) => loaded,
        Err(mlzone::Error::Invalid(report)) => {
            let _ = report.render(false);
            return;
        }
        Err(_) => return,
    };
    let today = jiff::civil::date(2026, 11, 22);
    match mlzone::validate::validate(&loaded, today) {
        Ok(validated) => {
            let plan = mlzone::plan::resolve(&validated.profile);
            let meta = mlzone::render::Meta::new(Path::new("fuzz.yaml"), Path::new("out"));
            mlzone::render::render(&plan, &meta, None).expect("a valid profile renders");
        }
        Err(mlzone::Error::Invalid(report)) => {
            let _ = report.render(false);
        }
        Err(other) => panic!("validation failed without diagnostics: {other}"),
    }
});
