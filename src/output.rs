//! Stage 5: put rendered files on disk, or compare them with what is there.
//!
//! `write` is a transaction: every file is staged next to its target first, then moved into
//! place; any failure puts back exactly what was there. A manifest (`.mlzone/manifest.json`)
//! records the files mlzone owns with their hashes, so it can refuse to overwrite a file
//! edited by hand or one it does not own, and remove files a new plan no longer produces.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::plan::CreateOnly;
use crate::plan::NamingPlan;
use crate::plan::security::{self, Effect, Setting};
use crate::profile::OutputFormat;
use crate::render::FileSet;

/// Where the manifest lives, relative to the output directory.
pub const MANIFEST: &str = ".mlzone/manifest.json";

/// What mlzone wrote into an output directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// mlzone's version.
    pub tool_version: String,
    /// The profile, relative to the output directory (with `/`).
    pub profile: String,
    /// The profile's project (absent from manifests of older versions): with `profile`, which
    /// zone the directory holds, so `generate` does not write one zone's files over another's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// SHA-256 of the profile's files (the profile and every profile it extends).
    pub profile_hash: String,
    /// Every file mlzone owns, relative path → SHA-256.
    pub files: BTreeMap<String, String>,
    /// The security-relevant settings the files implement.
    pub security: Vec<Setting>,
    /// The create-only fields the files were made with (none in manifests of older versions).
    #[serde(default)]
    pub create_only: Vec<CreateOnly>,
    /// The globally unique names, by key (`primary/storage`), as the plan's naming has them.
    /// Absent from manifests written before the names had a subscription suffix.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    /// The template overlay given to `generate --templates`, relative to the output directory
    /// (with `/`): `diff` compares with it when it is given no `--templates`. An overlay the
    /// profile names (`templates:`) is not recorded: the profile says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<String>,
}

impl Manifest {
    /// The manifest of `files`.
    pub fn new(
        profile: String,
        profile_hash: String,
        files: &FileSet,
        security: Vec<Setting>,
        create_only: Vec<CreateOnly>,
        names: BTreeMap<String, String>,
    ) -> Self {
        Manifest {
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            profile,
            project: None,
            profile_hash,
            files: files
                .iter()
                .map(|(p, t)| (p.clone(), hash(t.as_bytes())))
                .collect(),
            security,
            create_only,
            names,
            templates: None,
        }
    }

    /// The manifest in `dir`, if there is a readable one.
    pub fn read(dir: &Path) -> Option<Manifest> {
        Manifest::parse(&std::fs::read(dir.join(MANIFEST)).ok()?)
    }

    /// The manifest written as `bytes`, if they are one.
    fn parse(bytes: &[u8]) -> Option<Manifest> {
        serde_json::from_slice(bytes).ok()
    }
}

/// What a run reads of the manifest in `dir` before it knows whether anything drifted: the
/// files mlzone wrote and the overlay `generate` recorded. The security settings, most of a
/// manifest's bytes, are skipped, not parsed: a fleet's `diff` reads a manifest per profile.
#[derive(Debug, Deserialize)]
pub struct ManifestIndex {
    /// [`Manifest::profile`].
    pub profile: String,
    /// [`Manifest::project`].
    #[serde(default)]
    pub project: Option<String>,
    /// Every file mlzone owns, by relative path ([`Manifest::files`]).
    pub files: BTreeMap<String, serde::de::IgnoredAny>,
    /// [`Manifest::templates`].
    #[serde(default)]
    pub templates: Option<String>,
}

impl ManifestIndex {
    /// The manifest in `dir`, if there is a readable one.
    pub fn read(dir: &Path) -> Option<ManifestIndex> {
        ManifestIndex::load(dir).ok().flatten()
    }

    /// The manifest in `dir`: `None` when there is none, an error saying what is wrong when
    /// there is one that cannot be read or is not a manifest.
    pub fn load(dir: &Path) -> Result<Option<ManifestIndex>, String> {
        match std::fs::read(dir.join(MANIFEST)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                let what = match e.classify() {
                    serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                        "it is not valid JSON"
                    }
                    _ => "it is not a manifest this mlzone can read",
                };
                format!("{what} (line {}, column {})", e.line(), e.column())
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The part of an output directory a run answers for: all of it, or, when `--format` narrows
/// the profile's outputs, the directories of the formats rendered and the top-level files they
/// share (`COMPLIANCE.md`). The files of the other formats stay on disk and in the manifest:
/// generating one format never removes the other's.
#[derive(Debug, Clone, Default)]
pub struct Scope(Option<Vec<&'static str>>);

impl Scope {
    /// The files of `formats`.
    pub fn formats(formats: &[OutputFormat]) -> Self {
        Scope(Some(
            formats
                .iter()
                .map(|f| match f {
                    OutputFormat::Terraform => "terraform",
                    OutputFormat::Bicep => "bicep",
                })
                .collect(),
        ))
    }

    /// Whether `relative` (a path relative to the output directory, with `/`) is in scope.
    pub fn covers(&self, relative: &str) -> bool {
        match (&self.0, relative.split_once('/')) {
            (Some(dirs), Some((dir, _))) => dirs.contains(&dir),
            _ => true,
        }
    }
}

/// The files a profile's `keep:` leaves to the user: never written, replaced or removed by
/// `write`, never drift for `diff`.
#[derive(Debug, Clone, Default)]
pub struct Kept(Vec<String>);

impl Kept {
    /// The patterns of `keep:`, paths relative to the output directory in which `*` matches any
    /// characters but `/`.
    pub fn new(patterns: &[String]) -> Self {
        Kept(patterns.to_vec())
    }

    /// Whether `relative` (a path relative to the output directory, with `/`) is kept.
    pub fn keeps(&self, relative: &str) -> bool {
        self.0
            .iter()
            .any(|p| matches(p.as_bytes(), relative.as_bytes()))
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of bytes but `/`.
fn matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len())
            .take_while(|&i| i == 0 || text[i - 1] != b'/')
            .any(|i| matches(rest, &text[i..])),
        Some((c, rest)) => text.first() == Some(c) && matches(rest, &text[1..]),
    }
}

/// SHA-256 of a text with its CRLF line ends read as LF, as lowercase hex: a CRLF checkout of
/// a profile hashes as its LF checkout does.
pub fn text_hash(text: &[u8]) -> String {
    let lf: Vec<u8> = text
        .iter()
        .enumerate()
        .filter(|&(i, &b)| !(b == b'\r' && text.get(i + 1) == Some(&b'\n')))
        .map(|(_, &b)| b)
        .collect();
    hash(&lf)
}

/// SHA-256, as lowercase hex.
pub fn hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What `write` did.
#[derive(Debug, Default)]
pub struct Written {
    /// Files created or changed.
    pub changed: Vec<String>,
    /// Files that were already current.
    pub unchanged: usize,
    /// Files removed because the plan no longer produces them.
    pub removed: Vec<String>,
}

/// Write `files` and `manifest` into `dir` as one transaction. Without `force`, refuse to
/// overwrite a file mlzone does not own or one edited since mlzone wrote it. Files `kept` are
/// the user's: `files` should not hold them, and a kept file mlzone once wrote stays. Files out
/// of `scope` stay as they are, recorded as they were.
pub fn write(
    files: &FileSet,
    manifest: &Manifest,
    dir: &Path,
    force: bool,
    kept: &Kept,
    scope: &Scope,
) -> Result<Written, Error> {
    let manifest_path = dir.join(MANIFEST);
    let on_disk = std::fs::read(&manifest_path).ok();
    let read_previous = |bytes: &[u8]| {
        match Manifest::parse(bytes) {
        Some(previous) => Ok(Some(previous)),
        None if force => Ok(None),
        None => Err(Error::Refused {
            path: manifest_path.clone(),
            reason: "is not a manifest this mlzone can read, so it cannot tell which files it wrote; restore it from version control, or pass --force to rewrite every file".to_owned(),
        }),
    }
    };
    let mut manifest = std::borrow::Cow::Borrowed(manifest);
    let mut previous = None;
    if scope.0.is_some()
        && let Some(bytes) = &on_disk
    {
        previous = read_previous(bytes)?;
        let others = previous
            .iter()
            .flat_map(|p| &p.files)
            .filter(|(relative, _)| {
                !scope.covers(relative) && !kept.keeps(relative) && !files.contains_key(*relative)
            });
        let others: Vec<(String, String)> = others.map(|(r, h)| (r.clone(), h.clone())).collect();
        manifest.to_mut().files.extend(others);
    }
    let manifest_text = serde_json::to_string_pretty(&*manifest).unwrap_or_default() + "\n";
    let manifest_current = on_disk.as_deref() == Some(manifest_text.as_bytes());
    // A manifest on disk that is this one owns what this plan writes; no need to parse it.
    let previous = match (previous, on_disk) {
        (Some(previous), _) => Some(previous),
        (None, Some(_)) if manifest_current => Some(manifest.clone().into_owned()),
        (None, Some(bytes)) => read_previous(&bytes)?,
        (None, None) => None,
    };
    let owned = previous.as_ref().map(|m| &m.files);
    let mut plan: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    let mut written = Written::default();
    let mut checked = BTreeSet::new();
    // Every file it must not touch is named, not only the first.
    let mut refused = Vec::new();
    for (relative, text) in files {
        let path = dir.join(relative);
        inside(dir, relative, &mut checked)?;
        match std::fs::read(&path) {
            Ok(current) if current == text.as_bytes() => {
                written.unchanged += 1;
                continue;
            }
            Ok(current) if !force => {
                if let Err(Error::Refused { path, reason }) =
                    check_owned(&path, relative, &current, owned)
                {
                    refused.push((path, reason));
                }
            }
            _ => {}
        }
        written.changed.push(relative.clone());
        plan.push((path, Some(text.clone().into_bytes())));
    }
    // Files the previous run wrote that this plan no longer produces.
    for (relative, recorded) in owned.into_iter().flatten() {
        if files.contains_key(relative)
            || !safe_relative(relative)
            || kept.keeps(relative)
            || !scope.covers(relative)
        {
            continue;
        }
        let path = dir.join(relative);
        match std::fs::read(&path) {
            Ok(current) if force || hash(&current) == *recorded => {
                written.removed.push(relative.clone());
                plan.push((path, None));
            }
            Ok(_) => refused.push((
                path,
                "was edited by hand and the new plan no longer produces it; remove it or pass --force".to_owned(),
            )),
            Err(_) => {}
        }
    }
    if refused.len() == 1 {
        let (path, reason) = refused.remove(0);
        return Err(Error::Refused { path, reason });
    }
    if !refused.is_empty() {
        return Err(Error::RefusedAll { refusals: refused });
    }
    if !manifest_current {
        plan.push((manifest_path, Some(manifest_text.into_bytes())));
    }
    Transaction::default().run(&plan)?;
    Ok(written)
}

/// Refuse to write through a symbolic link below `dir`: a link in the output directory must
/// not lead mlzone to write outside it. `checked` holds the paths already looked at, so the
/// directories files share are looked at once.
fn inside(dir: &Path, relative: &str, checked: &mut BTreeSet<PathBuf>) -> Result<(), Error> {
    let mut path = dir.to_path_buf();
    for component in Path::new(relative).components() {
        path.push(component);
        if !checked.insert(path.clone()) {
            continue;
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Refused {
                path,
                reason: "is a symbolic link; mlzone writes only inside the output directory"
                    .to_owned(),
            });
        }
    }
    Ok(())
}

/// A path inside the output directory: relative, without `..`.
fn safe_relative(relative: &str) -> bool {
    let path = Path::new(relative);
    path.is_relative()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

fn check_owned(
    path: &Path,
    relative: &str,
    current: &[u8],
    owned: Option<&BTreeMap<String, String>>,
) -> Result<(), Error> {
    match owned.and_then(|files| files.get(relative)) {
        // A CRLF checkout of what mlzone wrote is still what it wrote.
        Some(recorded)
            if *recorded == hash(current) || *recorded == hash(&lf_line_ends(current)) =>
        {
            Ok(())
        }
        Some(_) => Err(Error::Refused {
            path: path.to_owned(),
            reason: "was edited by hand since mlzone wrote it; move the change into the profile (or a template overlay), or pass --force".to_owned(),
        }),
        None => Err(Error::Refused {
            path: path.to_owned(),
            reason: "exists and was not written by mlzone; move it away or pass --force".to_owned(),
        }),
    }
}

/// Moves files into place, remembering how to undo each step.
#[derive(Default)]
struct Transaction {
    /// Directories created, to remove on failure (deepest last).
    created: Vec<PathBuf>,
    /// Final path → where its previous content was moved (None: it did not exist).
    replaced: Vec<(PathBuf, Option<PathBuf>)>,
    /// Staged files not moved yet.
    staged: Vec<tempfile::TempPath>,
}

impl Transaction {
    fn run(mut self, plan: &[(PathBuf, Option<Vec<u8>>)]) -> Result<(), Error> {
        match self.apply(plan) {
            Ok(()) => {
                self.commit();
                Ok(())
            }
            Err(error) => {
                self.rollback();
                Err(error)
            }
        }
    }

    fn apply(&mut self, plan: &[(PathBuf, Option<Vec<u8>>)]) -> Result<(), Error> {
        // Stage every new file before touching any existing one.
        let mut staged = Vec::new();
        for (path, content) in plan {
            let Some(content) = content else {
                staged.push(None);
                continue;
            };
            let dir = path.parent().unwrap_or(Path::new("."));
            self.create_dirs(dir, path)?;
            let fail = |source| Error::Write {
                path: path.clone(),
                source,
            };
            let mut temp = new_file_builder().tempfile_in(dir).map_err(fail)?;
            temp.write_all(content).map_err(fail)?;
            temp.as_file().sync_all().map_err(fail)?;
            staged.push(Some(self.staged.len()));
            self.staged.push(temp.into_temp_path());
        }
        for ((path, _), staged) in plan.iter().zip(staged) {
            let backup = self.set_aside(path)?;
            self.replaced.push((path.clone(), backup));
            if let Some(index) = staged {
                std::fs::rename(&self.staged[index], path).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?;
            }
        }
        Ok(())
    }

    /// Move an existing file out of the way, to a name the rollback can restore from.
    fn set_aside(&mut self, path: &Path) -> Result<Option<PathBuf>, Error> {
        if std::fs::symlink_metadata(path).is_err() {
            return Ok(None);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let backup = tempfile::Builder::new()
            .prefix(".mlzone-old-")
            .tempfile_in(dir)
            .map_err(|source| Error::Write {
                path: path.to_owned(),
                source,
            })?
            .into_temp_path()
            .keep()
            .map_err(|e| Error::Write {
                path: path.to_owned(),
                source: e.error,
            })?;
        if let Err(source) = std::fs::rename(path, &backup) {
            let _ = std::fs::remove_file(&backup);
            return Err(Error::Write {
                path: path.to_owned(),
                source,
            });
        }
        Ok(Some(backup))
    }

    fn create_dirs(&mut self, dir: &Path, file: &Path) -> Result<(), Error> {
        let mut missing = Vec::new();
        let mut next = Some(dir);
        while let Some(d) = next.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            missing.push(d.to_owned());
            next = d.parent();
        }
        for d in missing.into_iter().rev() {
            std::fs::create_dir(&d).map_err(|source| Error::Write {
                path: file.to_owned(),
                source,
            })?;
            self.created.push(d);
        }
        Ok(())
    }

    fn commit(self) {
        for (_, backup) in self.replaced {
            if let Some(backup) = backup {
                let _ = std::fs::remove_file(backup);
            }
        }
        // Staged temp paths were all renamed; dropping them is harmless.
        drop(self.staged);
    }

    fn rollback(self) {
        for (path, backup) in self.replaced.into_iter().rev() {
            match backup {
                Some(backup) => {
                    let _ = std::fs::rename(&backup, &path);
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        drop(self.staged);
        for dir in self.created.into_iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// How the files on disk differ from freshly rendered ones.
#[derive(Debug, Default, Serialize)]
pub struct Drift {
    /// Files whose content differs: path → unified diff (disk → rendered).
    pub changed: BTreeMap<String, String>,
    /// Files rendered but not on disk.
    pub missing: Vec<String>,
    /// Files on disk in the generated directories that mlzone would not produce.
    pub extra: Vec<String>,
    /// Files the manifest says mlzone wrote that the profile (or `--format`) no longer
    /// produces: `generate` would remove them.
    pub removed: Vec<String>,
    /// Files whose content is not what mlzone last wrote (by the manifest's hashes; every
    /// changed file when there is no manifest): edited by hand.
    pub edited: Vec<String>,
    /// Security-relevant settings that changed: from the manifest on disk to the new plan
    /// (`source: profile`), and those a hand edit moved, read out of the Terraform and Bicep on
    /// disk and those the profile produces (`source: hand_edit`; `old` is the profile's value,
    /// `new` the committed file's).
    pub security: Vec<SecurityChange>,
    /// Resources a deployment of the new files replaces: create-only fields that changed.
    pub replacements: Vec<Replacement>,
    /// Globally unique names that changed: applying replaces those resources.
    pub renamed: Vec<Rename>,
}

/// A globally unique name that changed: the resource is replaced, not renamed.
#[derive(Debug, Clone, Serialize)]
pub struct Rename {
    /// Key of the name (`primary/storage`).
    pub key: String,
    /// The name on disk.
    pub old: String,
    /// The name generated now (`{suffix}` where the deployment computes it).
    pub new: String,
    /// What replacing the resource does.
    pub replaces: String,
}

impl Drift {
    /// Whether anything differs.
    pub fn is_drift(&self) -> bool {
        !self.changed.is_empty()
            || !self.missing.is_empty()
            || !self.extra.is_empty()
            || !self.removed.is_empty()
    }
}

/// One security-relevant setting that changed.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityChange {
    /// The recommendation it belongs to.
    pub recommendation: String,
    /// The setting.
    pub label: String,
    /// Value on disk (`None`: the setting is new).
    pub old: Option<String>,
    /// Value in the new plan (`None`: the setting is gone).
    pub new: Option<String>,
    /// `weakens`, `strengthens` or `changes`.
    pub effect: Effect,
    /// Whether the setting stands for a resource of its own (a private endpoint, a policy
    /// assignment, an outbound rule) that is `added` or `removed`; else `changed`.
    pub change: Change,
    /// Whether applying it replaces the resource.
    pub replaces: bool,
    /// Where the change comes from: the profile (`old` on disk, `new` the profile's), a
    /// hand edit of the committed files (`old` the profile's, `new` the file's), or a template
    /// overlay (`old` the embedded templates', `new` the overlay's).
    pub source: Source,
    /// The file edited by hand, for `hand_edit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The other recommendations whose claims rest on the setting
    /// ([`Basis`](crate::plan::security::Basis)).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// For a template overlay's change: the format whose files declare it (an overlay may
    /// replace one format's templates and not the other's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<crate::profile::OutputFormat>,
}

/// Where a security change comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The profile (or mlzone) changed since the files were generated.
    Profile,
    /// The committed files were edited by hand.
    HandEdit,
    /// A template overlay declares it otherwise than the embedded templates.
    Overlay,
}

/// Whether a setting changed value, or the resource it stands for came or went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Its value changed.
    Changed,
    /// The resource it stands for is new.
    Added,
    /// The resource it stands for is gone.
    Removed,
}

/// A create-only field that changed: deploying the change replaces `resource`, or, with
/// `kept_by_azure`, leaves it as it was created, or, with `refused_by_azure`, fails.
#[derive(Debug, Clone, Serialize)]
pub struct Replacement {
    /// The resource replaced, for people: `workspace mlw-x`.
    pub resource: String,
    /// The profile field: `encryption.high_business_impact`.
    pub field: String,
    /// Terraform / ARM property.
    pub property: String,
    /// Value on disk.
    pub old: String,
    /// Value in the new plan.
    pub new: String,
    /// Set when a deployment leaves the resource as it is and Azure keeps `old`: how to apply
    /// `new` by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_by_azure: Option<String>,
    /// Set when a Bicep deployment cannot replace the resource: how to delete it first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_before_bicep: Option<String>,
    /// Set when Azure refuses the change, so that a deployment of it fails: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused_by_azure: Option<String>,
}

/// The create-only fields of `new` whose value differs from `old`'s and whose change replaces
/// the resource (or is kept from it by Azure); a field only one side has (a new cluster, an older
/// manifest) replaces nothing.
pub fn replacements(old: &[CreateOnly], new: &[CreateOnly]) -> Vec<Replacement> {
    new.iter()
        .filter_map(|n| {
            let o = old.iter().find(|o| o.key == n.key)?;
            let replaces =
                o.value != n.value && n.one_way_from.as_ref().is_none_or(|from| *from == o.value);
            replaces.then(|| Replacement {
                resource: n.resource.clone(),
                field: n.field.clone(),
                property: n.property.clone(),
                old: o.value.clone(),
                new: n.value.clone(),
                kept_by_azure: n.kept_by_azure.clone(),
                delete_before_bicep: n.delete_before_bicep.clone(),
                refused_by_azure: n.refused_by_azure.clone(),
            })
        })
        .collect()
}

/// Whether `on_disk` is `generated` with CRLF line ends, as a Windows checkout with
/// `core.autocrlf` writes it: the same file to Git and to Terraform, so not drift.
fn crlf_only(on_disk: &[u8], generated: &str) -> bool {
    on_disk.len() > generated.len() && lf_line_ends(on_disk) == generated.as_bytes()
}

/// `bytes` with every CRLF turned into LF.
fn lf_line_ends(bytes: &[u8]) -> Vec<u8> {
    let mut lf = Vec::with_capacity(bytes.len());
    let mut rest = bytes.iter().peekable();
    while let Some(&b) = rest.next() {
        if b == b'\r' && rest.peek() == Some(&&b'\n') {
            continue;
        }
        lf.push(b);
    }
    lf
}

/// Compare rendered `files` with `dir`, and `settings` and the globally unique names of
/// `naming` with the manifest there, whose file list `index` is ([`ManifestIndex::load`]).
/// Files `kept` are the user's and never drift; files out of `scope` (a format `--format` leaves
/// out) are not compared.
pub fn diff(
    files: &FileSet,
    dir: &Path,
    index: Option<&ManifestIndex>,
    settings: impl FnOnce() -> Vec<Setting>,
    naming: &NamingPlan,
    kept: &Kept,
    scope: &Scope,
) -> Drift {
    let mut drift = Drift::default();
    for (relative, text) in files {
        match std::fs::read(dir.join(relative)) {
            Ok(current) if current == text.as_bytes() || crlf_only(&current, text) => {}
            Ok(current) => {
                let current = String::from_utf8_lossy(&current);
                let diff = similar::TextDiff::from_lines(current.as_ref(), text.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{relative}"), &format!("b/{relative}"))
                    .to_string();
                drift.changed.insert(relative.clone(), diff);
            }
            Err(_) => drift.missing.push(relative.clone()),
        }
    }
    // Generated files without the manifest: `generate` cannot tell them from the user's own.
    if index.is_none() && drift.missing.len() < files.len() {
        drift.missing.push(MANIFEST.to_owned());
    }
    (drift.removed, drift.extra) = beside(files, dir, index, kept);
    // What `generate` would remove outside the directories listed above (a format the profile
    // no longer lists in `outputs`).
    for relative in index.iter().flat_map(|m| m.files.keys()) {
        if !files.contains_key(relative)
            && safe_relative(relative)
            && scope.covers(relative)
            && !kept.keeps(relative)
            && !drift.extra.contains(relative)
            && !drift.removed.contains(relative)
            && dir.join(relative).is_file()
        {
            drift.removed.push(relative.clone());
        }
    }
    // Files that match carry the settings they were made with: only drift needs the manifest.
    if !drift.is_drift() {
        return drift;
    }
    let previous = Manifest::read(dir);
    if let Some(previous) = &previous {
        drift.security = security_changes(&previous.security, &settings());
        // A manifest without names predates the subscription suffix: its zone has the legacy names.
        let old = if previous.names.is_empty() {
            &naming.legacy
        } else {
            &previous.names
        };
        drift.renamed = renames(old, &naming.global);
    }
    for relative in drift.changed.keys() {
        let Ok(current) = std::fs::read(dir.join(relative)) else {
            continue;
        };
        let recorded = previous.as_ref().and_then(|m| m.files.get(relative));
        if recorded.is_some_and(|r| *r == hash(&current) || *r == hash(&lf_line_ends(&current))) {
            continue;
        }
        drift.edited.push(relative.clone());
        let current = String::from_utf8_lossy(&current);
        let committed = crate::inventory::read([(relative.as_str(), current.as_ref())]);
        let profile = crate::inventory::read([(relative.as_str(), files[relative].as_str())]);
        drift.security.extend(
            security_changes(&profile, &committed)
                .into_iter()
                .map(|change| SecurityChange {
                    source: Source::HandEdit,
                    file: Some(relative.clone()),
                    ..change
                }),
        );
    }
    drift
}

/// The names in both `old` and `new` that differ, with what replacing each resource does.
pub fn renames(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Vec<Rename> {
    new.iter()
        .filter_map(|(key, name)| {
            let was = old.get(key).filter(|was| *was != name)?;
            let replaces = match key.rsplit('/').next() {
                Some("key_vault") => "a new key vault and key; the old vault stays in soft delete, its name taken (purge protection), and what it encrypted needs its key",
                Some("storage") => "a new, empty storage account; the old one is deleted with its data",
                _ => "a new, empty registry; the old one is deleted with its images",
            };
            Some(Rename {
                key: key.clone(),
                old: was.clone(),
                new: name.clone(),
                replaces: replaces.to_owned(),
            })
        })
        .collect()
}

/// Whether `name` (a file or directory name) is Terraform's own working state or a deployer's
/// input beside the generated files: `.terraform/` (providers, modules), the dependency lock
/// file, state and its backup and lock, variable files (`*.tfvars`, `*.auto.tfvars`, and their
/// `.json` forms), crash logs. mlzone never writes them, so they are not drift.
fn is_terraform_working_file(name: &str) -> bool {
    const NAMES: [&str; 4] = [
        ".terraform",
        ".terraform.lock.hcl",
        ".terraform.tfstate.lock.info",
        "crash.log",
    ];
    const SUFFIXES: [&str; 4] = [".tfvars", ".tfvars.json", ".tfstate", ".tfstate.backup"];
    NAMES.contains(&name) || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

/// Files under `dir/sub`, relative to `dir`, sorted; Terraform's working files left out.
/// The files in the directories of generated `files` under `dir` that the plan does not
/// produce and the profile does not keep: those the manifest (`index`) says mlzone wrote, which
/// `generate` removes, and the others, which are not mlzone's (`extra`). Each in path order.
pub fn beside(
    files: &FileSet,
    dir: &Path,
    index: Option<&ManifestIndex>,
    kept: &Kept,
) -> (Vec<String>, Vec<String>) {
    let wrote = |relative: &str| index.is_some_and(|m| m.files.contains_key(relative));
    let generated_dirs: BTreeSet<&str> = files
        .keys()
        .filter_map(|p| p.split_once('/').map(|(d, _)| d))
        .collect();
    let mut removed = Vec::new();
    let mut extra = Vec::new();
    for d in generated_dirs {
        for relative in list(dir, d) {
            if files.contains_key(&relative) || kept.keeps(&relative) {
                continue;
            }
            // A file mlzone wrote that the plan no longer produces is not the user's own.
            if wrote(&relative) {
                removed.push(relative);
            } else {
                extra.push(relative);
            }
        }
    }
    (removed, extra)
}

fn list(dir: &Path, sub: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join(sub)];
    while let Some(next) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            if is_terraform_working_file(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Old → new for every setting whose value changed, appeared or disappeared.
pub fn security_changes(old: &[Setting], new: &[Setting]) -> Vec<SecurityChange> {
    let before: BTreeMap<&str, &Setting> = old.iter().map(|s| (s.key.as_str(), s)).collect();
    let after: BTreeMap<&str, &Setting> = new.iter().map(|s| (s.key.as_str(), s)).collect();
    let keys: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    // A resource that came or went says so once: not again for each of its parts
    // (`{key}/definition` of a policy assignment).
    let came_or_went: Vec<String> = keys
        .iter()
        .filter(|k| before.contains_key(*k) != after.contains_key(*k))
        .filter(|k| {
            before
                .get(*k)
                .or(after.get(*k))
                .is_some_and(|s| s.presence != security::Presence::Neutral)
        })
        .map(|k| format!("{k}/"))
        .collect();
    let renamed = renamed_endpoints(&before, &after);
    let mut out: Vec<SecurityChange> = renamed.iter().map(|(o, n)| endpoint_rename(o, n)).collect();
    for key in keys {
        let (o, n) = (before.get(key), after.get(key));
        if o.map(|s| &s.value) == n.map(|s| &s.value)
            || came_or_went.iter().any(|r| key.starts_with(r.as_str()))
            || renamed.iter().any(|(o, n)| o.key == key || n.key == key)
        {
            continue;
        }
        let (o, n) = (o.copied(), n.copied());
        let any = n.or(o);
        let recommendation = o
            .or(n)
            .map(|s| s.recommendation.clone())
            .unwrap_or_default();
        // What rests on the setting in either version: a repointed assignment still weakens
        // what rested on the definition it had.
        let mut also: Vec<String> = o
            .into_iter()
            .chain(n)
            .flat_map(|s| s.also.iter().cloned())
            .filter(|id| *id != recommendation)
            .collect();
        also.sort_unstable();
        also.dedup();
        let resource = any.is_some_and(|s| s.presence != security::Presence::Neutral);
        out.push(SecurityChange {
            // The zone's recommendation: an assignment pointed at another definition keeps
            // the one it implemented.
            recommendation,
            label: any.map(|s| s.label.clone()).unwrap_or_default(),
            old: o.map(|s| s.value.clone()),
            new: n.map(|s| s.value.clone()),
            effect: security::effect(o, n),
            change: match (o, n) {
                (None, Some(_)) if resource => Change::Added,
                (Some(_), None) if resource => Change::Removed,
                _ => Change::Changed,
            },
            replaces: any.is_some_and(|s| s.replaces) && o.is_some() && n.is_some(),
            source: Source::Profile,
            file: None,
            also,
            format: None,
        });
    }
    out
}

/// Each private endpoint of `before` that `after` lacks, with the endpoint `after` has instead in
/// the same region to the same resource under another name: the endpoint renamed.
fn renamed_endpoints<'s>(
    before: &BTreeMap<&str, &'s Setting>,
    after: &BTreeMap<&str, &'s Setting>,
) -> Vec<(&'s Setting, &'s Setting)> {
    let gone = before
        .values()
        .filter(|s| !after.contains_key(s.key.as_str()));
    gone.filter_map(|o| {
        let (region, _, to) = security::endpoint(o)?;
        let n = after.values().find(|n| {
            !before.contains_key(n.key.as_str())
                && security::endpoint(n).is_some_and(|(r, _, t)| r == region && t == to)
        })?;
        Some((*o, *n))
    })
    .collect()
}

/// A renamed private endpoint as one change: its name is set only at creation (azurerm
/// `azurerm_private_endpoint.name` is ForceNew), so the endpoint is replaced.
fn endpoint_rename(old: &Setting, new: &Setting) -> SecurityChange {
    let (region, was, to) = security::endpoint(old).unwrap_or_default();
    let (_, is, _) = security::endpoint(new).unwrap_or_default();
    SecurityChange {
        recommendation: new.recommendation.clone(),
        label: format!("{region} private endpoint {to} name"),
        old: Some(was.to_owned()),
        new: Some(is.to_owned()),
        effect: Effect::Changes,
        change: Change::Changed,
        replaces: true,
        source: Source::Profile,
        file: None,
        also: new.also.clone(),
        format: None,
    }
}

/// How a generated file is staged: a temporary file beside its target. On Unix it is created
/// readable as an ordinary file is (0666 less the umask): a temporary file's own 0600 would
/// follow it into place and keep a deploying user or container from reading it.
fn new_file_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".mlzone-new-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn kept_patterns_match_within_one_path_segment() {
        let kept = Kept::new(&[
            "terraform/backend.tf".to_owned(),
            "terraform/*.override.tf".to_owned(),
        ]);
        for (path, expected) in [
            ("terraform/backend.tf", true),
            ("terraform/backend.tf.bak", false),
            ("bicep/backend.tf", false),
            ("terraform/a.override.tf", true),
            ("terraform/.override.tf", true),
            ("terraform/x/a.override.tf", false),
            ("terraform/main.tf", false),
        ] {
            assert_eq!(kept.keeps(path), expected, "{path}");
        }
    }
}
