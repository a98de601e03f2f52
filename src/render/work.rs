//! One plan's files as a list of jobs that more than one thread can work through: the thread
//! that asked and, in a single run, a helper that compiled the templates while the profile
//! was read. Each takes the next job nobody has taken; the files are the same whoever
//! rendered which.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};

use super::{EMBEDDED, ENGINE, Meta, finish, in_render_order};
use crate::plan::Plan;
use crate::profile::OutputFormat;

/// The templates a job renders with.
pub(super) enum Engine {
    /// The embedded templates, compiled once per process.
    Embedded,
    /// An overlay laid over them, compiled for this render.
    Layered(Box<Environment<'static>>),
}

impl Engine {
    fn env(&self) -> &Environment<'static> {
        match self {
            Engine::Embedded => &ENGINE,
            Engine::Layered(env) => env,
        }
    }
}

/// One file to render: a template, and for a per-region template, the region.
pub(super) struct Job {
    pub(super) template: String,
    /// The file's path in the output directory.
    pub(super) path: String,
    region: Option<usize>,
}

impl Job {
    /// The job rendering `template` into `path` (the template's name, `{region}` filled in).
    pub(super) fn new(template: &str, path: &str, region: Option<usize>) -> Job {
        Job {
            template: template.to_owned(),
            path: path.trim_end_matches(".tera").to_owned(),
            region,
        }
    }
}

type Outcome = Result<String, minijinja::Error>;

/// A plan's jobs, what every template sees, and the outcomes as they come in.
pub(super) struct Work {
    engine: Engine,
    pub(super) jobs: Vec<Job>,
    plan: Value,
    meta: Value,
    regions: Vec<Value>,
    next: AtomicUsize,
    /// Each job's outcome once rendered, by job.
    outcomes: Mutex<Vec<Option<Outcome>>>,
}

impl Work {
    pub(super) fn new(engine: Engine, jobs: Vec<Job>, plan: &Plan, meta: &Meta) -> Work {
        // Converted once; every template's context shares them.
        let plan = Value::from(Serde(plan));
        let regions = plan
            .get_attr("regions")
            .and_then(|regions| regions.try_iter().map(Iterator::collect))
            .unwrap_or_default();
        Work {
            engine,
            outcomes: Mutex::new(jobs.iter().map(|_| None).collect()),
            jobs,
            plan,
            meta: Value::from(Serde(meta)),
            regions,
            next: AtomicUsize::new(0),
        }
    }

    /// Render jobs until none is left to take.
    pub(super) fn take(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = self.jobs.get(i) else {
                return;
            };
            self.record(i, self.render(job));
        }
    }

    /// Keep the first outcome of job `i`; one that comes after [`Work::finished`] is dropped.
    fn record(&self, i: usize, outcome: Outcome) {
        if let Some(slot @ None) = lock(&self.outcomes).get_mut(i) {
            *slot = Some(outcome);
        }
    }

    fn render(&self, job: &Job) -> Outcome {
        let template = self.engine.env().get_template(&job.template)?;
        let r = match job.region {
            Some(i) => self.regions.get(i).cloned().unwrap_or_default(),
            None => Value::UNDEFINED,
        };
        let text = template.render(context! {
            plan => self.plan.clone(),
            meta => self.meta.clone(),
            r,
        })?;
        Ok(finish(&job.path, &text))
    }

    /// Every job's outcome in job order. A job the helper took but has not finished is
    /// rendered here again rather than waited for: the helper may have lost its core to
    /// another program, and rendering is deterministic, so either outcome is the same.
    pub(super) fn finished(&self) -> Vec<Outcome> {
        for (i, job) in self.jobs.iter().enumerate() {
            let missing = lock(&self.outcomes).get(i).is_some_and(Option::is_none);
            if missing {
                self.record(i, self.render(job));
            }
        }
        std::mem::take(&mut *lock(&self.outcomes))
            .into_iter()
            .flatten()
            .collect()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A second thread for a single run, on another core: it compiles the embedded templates
/// while the run reads and checks its profile, then renders its share of the files.
pub struct Helper {
    work: mpsc::Sender<Arc<Work>>,
}

impl Helper {
    /// Start the helper. It is detached: a run that stops early does not wait for it.
    pub fn start() -> Helper {
        let (work, offered) = mpsc::channel::<Arc<Work>>();
        let cores = other_cores();
        std::thread::spawn(move || {
            move_to(cores);
            let names: Vec<&str> = EMBEDDED.keys().map(String::as_str).collect();
            let every = [OutputFormat::Terraform, OutputFormat::Bicep];
            // From the last file a run renders back to the first: the run starts from the
            // first, so the two meet in the middle instead of compiling a template twice.
            let mut to_compile = in_render_order(&names, &every).into_iter().rev();
            let first = loop {
                match offered.try_recv() {
                    Ok(work) => break Some(work),
                    Err(TryRecvError::Disconnected) => return,
                    Err(TryRecvError::Empty) => match to_compile.next() {
                        // A template that does not compile is reported when it is rendered.
                        Some(name) => drop(ENGINE.get_template(name)),
                        None => break None,
                    },
                }
            };
            for work in first.into_iter().chain(offered.iter()) {
                work.take();
            }
        });
        Helper { work }
    }

    /// Let the helper take jobs of `work` too.
    pub(super) fn offer(&self, work: &Arc<Work>) {
        // A helper that is gone leaves the jobs to the caller.
        let _ = self.work.send(Arc::clone(work));
    }
}

/// The cores the helper may use: all this thread may use but the one it is on, when there is
/// another. Left to itself, the kernel often starts a new thread on its parent's core, ahead
/// of the parent, so the run would wait for its helper instead of working beside it.
#[cfg(target_os = "linux")]
fn other_cores() -> Option<rustix::thread::CpuSet> {
    let mut cores = rustix::thread::sched_getaffinity(None).ok()?;
    cores.unset(rustix::thread::sched_getcpu());
    (cores.count() > 0).then_some(cores)
}

/// Move the calling thread to `cores`; staying where it is works too, only slower.
#[cfg(target_os = "linux")]
fn move_to(cores: Option<rustix::thread::CpuSet>) {
    if let Some(cores) = cores {
        let _ = rustix::thread::sched_setaffinity(None, &cores);
    }
}

#[cfg(not(target_os = "linux"))]
fn other_cores() -> Option<()> {
    None
}

#[cfg(not(target_os = "linux"))]
fn move_to(_: Option<()>) {}
