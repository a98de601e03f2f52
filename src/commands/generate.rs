//! `mlzone generate PROFILE -o DIR`: load → validate → resolve → render, then write.

use std::path::{Path, PathBuf};

use super::{Context, validated};
use crate::cli::{Format, GenerateArgs};
use crate::error::{EXIT_OK, Error};
use crate::plan::resolve;
use crate::profile::OutputFormat;
use crate::render::{FileSet, Meta, render};

pub(crate) fn run(args: &GenerateArgs, ctx: &Context) -> Result<u8, Error> {
    let validated = validated(&args.profile, ctx)?;
    let mut plan = resolve(&validated.profile);
    if !args.format.is_empty() {
        plan.outputs = args
            .format
            .iter()
            .map(|f| match f {
                Format::Terraform => OutputFormat::Terraform,
                Format::Bicep => OutputFormat::Bicep,
            })
            .collect();
        plan.outputs.sort();
        plan.outputs.dedup();
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_dir(&args.profile));
    let meta = Meta::new(&args.profile, &out);
    let files = render(&plan, &meta)?;
    write(&files, &out)?;
    println!("wrote {} files to {}", files.len(), out.display());
    Ok(EXIT_OK)
}

/// `infra/` beside the profile.
fn default_dir(profile: &Path) -> PathBuf {
    profile.parent().unwrap_or(Path::new("")).join("infra")
}

/// Write every file through a temporary file in its directory and a rename, so no file is
/// ever half-written.
pub(crate) fn write(files: &FileSet, out: &Path) -> Result<(), Error> {
    for (relative, text) in files {
        let path = out.join(relative);
        let dir = path.parent().unwrap_or(out);
        let fail = |source| Error::Write {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(fail)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
        std::io::Write::write_all(&mut temp, text.as_bytes()).map_err(fail)?;
        temp.persist(&path).map_err(|e| fail(e.error))?;
    }
    Ok(())
}
