//! One or many profiles per run: `generate` and `diff` over a fleet in one process, on
//! several threads, reported in the order the profiles were given and never interleaved.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use serde_json::Value;

use super::{error_json, failure, print_json, versioned};
use crate::error::{EXIT_DRIFT, EXIT_FAILURE, EXIT_INVALID, EXIT_OK, Error};
use crate::render::shown;

/// What one profile came to.
pub(crate) struct Outcome {
    pub(crate) code: u8,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    /// The `--json` form.
    pub(crate) json: Value,
}

impl Outcome {
    /// A profile that could not be done: invalid, unreadable, refused.
    pub(crate) fn failed(error: &Error, color: bool) -> Outcome {
        Outcome {
            code: error.exit_code(),
            stdout: String::new(),
            stderr: failure(error, color),
            json: serde_json::json!({ "error": error_json(error) }),
        }
    }
}

/// How a batch reports: the verb for each kind of outcome in the closing count.
pub(crate) struct Batch<'a> {
    pub(crate) profiles: &'a [PathBuf],
    pub(crate) jobs: Option<NonZeroUsize>,
    pub(crate) json: bool,
    /// The command, as the `--json` form names it.
    pub(crate) command: &'a str,
    /// `(exit code, what to call it)`, e.g. `(0, "up to date")`, in the order to count them.
    pub(crate) counted: &'a [(u8, &'a str)],
}

impl Batch<'_> {
    /// Run `each` over the profiles, print the outcomes, and give the exit code: 3 if any
    /// profile is invalid, else 4 if any other failed, else 1 if any drifted, else 0.
    pub(crate) fn run(&self, each: impl Fn(&Path) -> Outcome + Sync) -> u8 {
        let mut codes = Vec::with_capacity(self.profiles.len());
        let mut json = Vec::new();
        let single = self.profiles.len() == 1;
        in_order(self.profiles, self.jobs, each, |profile, outcome| {
            codes.push(outcome.code);
            // The heading comes first (stdout is line-buffered), then the profile's
            // diagnostics, then its result: in one terminal, each profile's lines are together.
            let heading = !self.json && !single;
            if heading {
                outln!("== {}", shown(profile));
            }
            // With `--json`, the document carries everything (docs/json.md).
            if !self.json {
                err!("{}", outcome.stderr);
            }
            if self.json {
                json.push(self.entry(profile, outcome));
            } else if heading {
                out!("{}", outcome.stdout);
            } else if outcome.code != EXIT_INVALID && outcome.code != EXIT_FAILURE {
                // Alone, a failure is the run's: it has its say on stderr only.
                out!("{}", outcome.stdout);
            }
        });
        let code = worst(&codes);
        if self.json {
            print_json(&self.envelope(code, json));
        } else if !single {
            outln!("{}", self.count(&codes));
        }
        code
    }

    /// One profile's entry in the `--json` form: `profile`, `exit_code`, then its fields.
    fn entry(&self, profile: &Path, outcome: Outcome) -> Value {
        let mut entry = serde_json::Map::new();
        entry.insert("profile".to_owned(), shown(profile).into());
        entry.insert("exit_code".to_owned(), outcome.code.into());
        if let Value::Object(fields) = outcome.json {
            entry.extend(fields);
        }
        Value::Object(entry)
    }

    /// The `--json` form of a run, the same for one profile or many (`docs/json.md`).
    fn envelope(&self, code: u8, profiles: Vec<Value>) -> Value {
        versioned(serde_json::json!({
            "command": self.command,
            "exit_code": code,
            "profiles": profiles,
        }))
    }

    /// `3 profiles: 2 up to date, 1 drifted, 0 failed`.
    fn count(&self, codes: &[u8]) -> String {
        let mut parts: Vec<String> = self
            .counted
            .iter()
            .map(|(code, word)| format!("{} {word}", codes.iter().filter(|c| *c == code).count()))
            .collect();
        let known = |c: &u8| self.counted.iter().any(|(code, _)| code == c);
        parts.push(format!(
            "{} failed",
            codes.iter().filter(|c| !known(c)).count()
        ));
        format!("{} profiles: {}", codes.len(), parts.join(", "))
    }
}

/// Run `each` over `profiles` on `jobs` threads (default: one per core), handing each outcome
/// to `report` in the order of `profiles` as soon as it and all before it are done.
fn in_order(
    profiles: &[PathBuf],
    jobs: Option<NonZeroUsize>,
    each: impl Fn(&Path) -> Outcome + Sync,
    mut report: impl FnMut(&Path, Outcome),
) {
    let jobs = jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
        .min(profiles.len());
    if jobs <= 1 {
        // On this thread: a thread of its own would only add a malloc arena, which glibc grows
        // a page at a time, one system call each.
        for profile in profiles {
            report(profile, each(profile));
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let (done, arrivals) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let done = done.clone();
            let (next, each) = (&next, &each);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(profile) = profiles.get(index) else {
                        return;
                    };
                    if done.send((index, each(profile))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done);
        // Outcomes that arrived ahead of their turn wait here.
        let mut waiting = BTreeMap::new();
        let mut turn = 0;
        for (index, outcome) in arrivals {
            waiting.insert(index, outcome);
            while let Some(outcome) = waiting.remove(&turn) {
                report(&profiles[turn], outcome);
                turn += 1;
            }
        }
    });
}

/// The exit code of a batch: an invalid profile outranks another failure, which outranks drift.
fn worst(codes: &[u8]) -> u8 {
    [EXIT_INVALID, EXIT_FAILURE, EXIT_DRIFT]
        .into_iter()
        .find(|rank| codes.contains(rank))
        .unwrap_or(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_outranks_failure_outranks_drift() {
        assert_eq!(worst(&[0, 1, 4, 3]), EXIT_INVALID);
        assert_eq!(worst(&[1, 4, 0]), EXIT_FAILURE);
        assert_eq!(worst(&[0, 1]), EXIT_DRIFT);
        assert_eq!(worst(&[0, 0]), EXIT_OK);
    }

    #[test]
    fn outcomes_come_back_in_the_order_given() {
        let profiles: Vec<PathBuf> = (0..50).map(|i| PathBuf::from(format!("p{i}"))).collect();
        let mut seen = Vec::new();
        let each = |p: &Path| Outcome {
            code: 0,
            stdout: p.display().to_string(),
            stderr: String::new(),
            json: Value::Null,
        };
        in_order(&profiles, NonZeroUsize::new(4), each, |p, o| {
            assert_eq!(p.display().to_string(), o.stdout);
            seen.push(o.stdout);
        });
        let expected: Vec<String> = (0..50).map(|i| format!("p{i}")).collect();
        assert_eq!(seen, expected);
    }
}
