//! One plan's files as a list of jobs that more than one thread can work through: the thread
//! that asked, from the first job on, and in a single run a helper that compiled templates while
//! the profile was read, from the last job back. Each takes the next job nobody has taken; the
//! files are the same whoever rendered which.

use std::ops::Range;
use std::sync::mpsc::{self, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tera::{Context, Tera, Value};

use super::{Group, Meta, embedded, finish};
use crate::plan::Plan;

/// The templates the jobs render with.
pub(super) enum Templates {
    /// The embedded ones, each group compiled once per process.
    Embedded,
    /// An overlay laid over them, each group compiled for this render.
    Layered(Vec<(Group, Tera)>),
}

/// One file to render: a template of a group, and for a `{region}` template, the region.
pub(super) struct Job {
    group: Group,
    pub(super) template: String,
    /// The file's path in the output directory.
    pub(super) path: String,
    region: Option<usize>,
}

impl Job {
    /// The job rendering `template` into `path` (the template's name, `{region}` filled in).
    pub(super) fn new(group: Group, template: &str, path: &str, region: Option<usize>) -> Job {
        Job {
            group,
            template: template.to_owned(),
            path: path.trim_end_matches(".tera").to_owned(),
            region,
        }
    }
}

type Outcome = Result<String, tera::Error>;

/// A plan's jobs, what every template sees, and the outcomes as they come in.
pub(super) struct Work {
    templates: Templates,
    pub(super) jobs: Vec<Job>,
    /// `plan` and `meta`, converted once; every template's context shares them.
    context: Context,
    /// Each region of the plan, converted, for the `{region}` templates.
    regions: Vec<Value>,
    /// The jobs nobody has taken yet.
    untaken: Mutex<Range<usize>>,
    /// Each job's outcome once rendered, by job.
    outcomes: Mutex<Vec<Option<Outcome>>>,
}

impl Work {
    pub(super) fn new(templates: Templates, jobs: Vec<Job>, plan: &Plan, meta: &Meta) -> Work {
        let plan = Value::from_serializable(plan);
        let regions = plan
            .get_from_path("regions")
            .and_then(Value::as_array)
            .unwrap_or_default()
            .to_vec();
        let mut context = Context::new();
        context.insert_value("plan", plan);
        context.insert_value("meta", Value::from_serializable(meta));
        Work {
            templates,
            outcomes: Mutex::new(jobs.iter().map(|_| None).collect()),
            untaken: Mutex::new(0..jobs.len()),
            jobs,
            context,
            regions,
        }
    }

    /// Render jobs, first to last, until none is left to take.
    pub(super) fn take(&self) {
        loop {
            let next = lock(&self.untaken).next();
            let Some(i) = next else { return };
            self.record(i, self.render(&self.jobs[i]));
        }
    }

    /// Render jobs, last to first, until none is left to take: the helper's way. The last
    /// jobs are the last group's, which the helper compiled first.
    fn take_from_back(&self) {
        loop {
            let next = lock(&self.untaken).next_back();
            let Some(i) = next else { return };
            self.record(i, self.render(&self.jobs[i]));
        }
    }

    /// Keep the first outcome of job `i`; one that comes after [`Work::finished`] is dropped.
    fn record(&self, i: usize, outcome: Outcome) {
        if let Some(slot @ None) = lock(&self.outcomes).get_mut(i) {
            *slot = Some(outcome);
        }
    }

    fn render(&self, job: &Job) -> Outcome {
        let tera = match &self.templates {
            // A group that does not compile fails each of its jobs the same way.
            Templates::Embedded => embedded(job.group).map_err(tera::Error::message)?,
            Templates::Layered(compiled) => compiled
                .iter()
                .find_map(|(group, tera)| (*group == job.group).then_some(tera))
                .ok_or_else(|| tera::Error::message("the group is not compiled"))?,
        };
        let text = match job.region.and_then(|i| self.regions.get(i)) {
            Some(region) => {
                let mut context = self.context.clone();
                context.insert_value("r", region.clone());
                tera.render(&job.template, &context)?
            }
            None => tera.render(&job.template, &self.context)?,
        };
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

/// A second thread for a single run, on another core: it compiles the embedded templates while
/// the run reads and checks its profile (before the plan says which formats the run renders),
/// then renders its share of the files.
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
            // From the last group a run renders back to the first: the run compiles from the
            // first, so the two meet in the middle instead of waiting for each other. A
            // template that does not compile is reported when its file is rendered.
            let mut first = None;
            for group in [Group::Bicep, Group::Terraform, Group::Top] {
                match offered.try_recv() {
                    Ok(work) => {
                        first = Some(work);
                        break;
                    }
                    Err(TryRecvError::Disconnected) => return,
                    Err(TryRecvError::Empty) => drop(embedded(group)),
                }
            }
            for work in first.into_iter().chain(offered.iter()) {
                work.take_from_back();
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
