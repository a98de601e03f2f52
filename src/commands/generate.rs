//! `mlzone generate PROFILE -o DIR`: load → validate → resolve → render, then write as one
//! transaction with a manifest.

use super::{Context, Rendered, rendered};
use crate::cli::GenerateArgs;
use crate::error::{EXIT_OK, Error};
use crate::output;

pub(crate) fn run(args: &GenerateArgs, ctx: &Context) -> Result<u8, Error> {
    let rendered = rendered(&args.target, ctx)?;
    let Rendered { files, out, .. } = &rendered;
    let written = output::write(files, &rendered.manifest(), out, args.force)?;
    println!(
        "wrote {} to {} ({} unchanged{})",
        plural(written.changed.len(), "file"),
        out.display(),
        written.unchanged,
        if written.removed.is_empty() {
            String::new()
        } else {
            format!(", removed {}", written.removed.join(", "))
        }
    );
    Ok(EXIT_OK)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
