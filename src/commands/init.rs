//! `mlzone init`: a starter profile from a golden profile, plus its JSON Schema for editors.

use std::path::Path;

use crate::cli::InitArgs;
use crate::error::{EXIT_OK, Error};
use crate::golden;

/// The editor modeline `init` puts on the first line.
const MODELINE: &str = "# yaml-language-server: $schema=profile.schema.json";

pub(crate) fn run(args: &InitArgs) -> Result<u8, Error> {
    let profile = args.dir.join("profile.yaml");
    let schema = args.dir.join("profile.schema.json");
    for path in [&profile, &schema] {
        if path.exists() {
            return Err(Error::InitExists { path: path.clone() });
        }
    }
    std::fs::create_dir_all(&args.dir).map_err(|source| Error::Write {
        path: args.dir.clone(),
        source,
    })?;
    let text = starter(&args.from);
    write_new(&schema, &(super::schema::schema_text() + "\n"))?;
    if let Err(error) = write_new(&profile, &text) {
        // Leave nothing half-written.
        let _ = std::fs::remove_file(&schema);
        return Err(error);
    }
    outln!(
        "wrote {} (from the `{}` golden profile) and {}",
        profile.display(),
        args.from,
        schema.display()
    );
    outln!(
        "next: edit `project`, `regions` and `access`, then `mlzone validate {}`",
        profile.display()
    );
    Ok(EXIT_OK)
}

/// The golden profile's text with the modeline pointing at the schema beside it.
pub(crate) fn starter(name: &str) -> String {
    let text = golden::text(name).unwrap_or_default();
    let body = text
        .lines()
        .filter(|line| !line.starts_with("# yaml-language-server:"))
        .collect::<Vec<_>>()
        .join("\n");
    format!("{MODELINE}\n{body}\n")
}

/// Create `path`, failing if it appeared meanwhile.
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write as _;
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        file.write_all(text.as_bytes())
    };
    write().map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })
}
