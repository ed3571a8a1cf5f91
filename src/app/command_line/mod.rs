//! The `:` command line: the headless verbs inside the dashboard, where the journal lock would
//! refuse the CLI (`:generate PROMPT`, `:download ID`, `:ls BUCKET`, `:rm BUCKET/PATH`…). Each
//! verb does what its key in a panel does, through the same questions and engine commands, so
//! there is no second way to the network; Tab completes the verb and then its arguments.
//!
//! `run` carries a typed line out, `complete` is Tab; [`VERBS`] is the one list both use, and the
//! help overlay and the field's title are drawn from it too.

mod complete;
mod run;

use super::App;
use super::modal::InputPurpose;

/// What Tab offers for an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Nothing the dashboard knows (a prompt, a local path, a number).
    Nothing,
    /// The service ids of the jobs in the jobs list.
    JobIds,
    /// Buckets (`name/`) and the objects of the folder on screen.
    Paths,
    /// Buckets and the folders on screen only.
    Folders,
}

/// A verb of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verb {
    pub name: &'static str,
    /// Its arguments as the usage shows them (empty: none).
    pub args: &'static str,
    /// What it does, short enough for the help overlay's column.
    pub what: &'static str,
    /// What Tab completes for the first, second… argument.
    pub completes: &'static [Candidates],
}

impl Verb {
    /// `:name ARGS`.
    pub fn usage(&self) -> String {
        if self.args.is_empty() {
            format!(":{}", self.name)
        } else {
            format!(":{} {}", self.name, self.args)
        }
    }

    /// The one line a wrong use of the verb gets: its usage and what it does.
    pub fn usage_line(&self) -> String {
        format!("Usage: {} — {}. Nothing was sent.", self.usage(), self.what)
    }

    fn candidates(&self, argument: usize) -> Candidates {
        self.completes
            .get(argument)
            .copied()
            .unwrap_or(Candidates::Nothing)
    }
}

use Candidates::{Folders, JobIds, Nothing, Paths};

/// Every verb, in the order the help lists them: jobs, then storage, then the pages.
pub const VERBS: &[Verb] = &[
    Verb {
        name: "generate",
        args: "PROMPT",
        what: "a new paid video, asked as Enter in the prompt",
        completes: &[],
    },
    Verb {
        name: "jobs",
        args: "",
        what: "the jobs panel, with the service's own list loaded",
        completes: &[],
    },
    Verb {
        name: "status",
        args: "ID",
        what: "a job's details (its service id, or #N)",
        completes: &[JobIds],
    },
    Verb {
        name: "download",
        args: "ID",
        what: "fetch a job's video (it waits for the job to end)",
        completes: &[JobIds],
    },
    Verb {
        name: "delete",
        args: "ID",
        what: "cancel and delete a job on its service (asks)",
        completes: &[JobIds],
    },
    Verb {
        name: "remix",
        args: "ID PROMPT",
        what: "a new paid video from a finished one (v1 API)",
        completes: &[JobIds],
    },
    Verb {
        name: "buckets",
        args: "",
        what: "the buckets panel, listed again",
        completes: &[],
    },
    Verb {
        name: "ls",
        args: "BUCKET[/PREFIX]",
        what: "open a folder in the bucket browser",
        completes: &[Folders],
    },
    Verb {
        name: "du",
        args: "BUCKET[/PREFIX]",
        what: "count a folder's objects and bytes, all levels",
        completes: &[Folders],
    },
    Verb {
        name: "upload",
        args: "FILE [BUCKET[/PATH]]",
        what: "upload a local file (to the output bucket)",
        completes: &[Nothing, Paths],
    },
    Verb {
        name: "get",
        args: "BUCKET/PATH [DEST]",
        what: "download an object (DEST/ saves into DEST)",
        completes: &[Paths],
    },
    Verb {
        name: "url",
        args: "BUCKET/PATH [SECONDS]",
        what: "copy a signed URL (valid 3600 s unless told)",
        completes: &[Paths],
    },
    Verb {
        name: "rm",
        args: "BUCKET/PATH",
        what: "delete an object, or a folder given with / (asks)",
        completes: &[Paths],
    },
    Verb {
        name: "cp",
        args: "SRC DST",
        what: "copy an object, or a folder given with / (asks)",
        completes: &[Paths, Paths],
    },
    Verb {
        name: "mv",
        args: "SRC DST",
        what: "move an object, or a folder given with /",
        completes: &[Paths, Paths],
    },
    Verb {
        name: "history",
        args: "",
        what: "the history page",
        completes: &[],
    },
    Verb {
        name: "doctor",
        args: "",
        what: "run the doctor",
        completes: &[],
    },
    Verb {
        name: "help",
        args: "",
        what: "every key, and these commands first",
        completes: &[],
    },
    Verb {
        name: "quit",
        args: "",
        what: "quit (asks while jobs run)",
        completes: &[],
    },
];

/// The verb called `name`.
pub fn verb(name: &str) -> Option<&'static Verb> {
    VERBS.iter().find(|v| v.name == name)
}

/// The command line's title for what is typed so far: the usage of the verb being typed, once
/// it names one, else how to find them.
pub fn hint(line: &str) -> String {
    let first = line.split_whitespace().next().unwrap_or_default();
    let typed_on = line.trim_start().len() > first.len();
    let named = verb(first).or_else(|| {
        // A prefix only one verb starts with, while the verb is still being typed.
        let mut starting = VERBS.iter().filter(|v| v.name.starts_with(first));
        match (
            typed_on || first.is_empty(),
            starting.next(),
            starting.next(),
        ) {
            (false, Some(only), None) => Some(only),
            _ => None,
        }
    });
    match named {
        Some(verb) => format!("{} — {}", verb.usage(), verb.what),
        None => "Command (Tab completes · :help lists every verb)".to_string(),
    }
}

fn verb_names() -> String {
    VERBS.iter().map(|v| v.name).collect::<Vec<_>>().join(", ")
}

/// `bucket/path/to/object` to its bucket and object path (both non-empty).
fn split_bucket_path(text: &str) -> Option<(&str, &str)> {
    let (bucket, path) = text.split_once('/')?;
    (!bucket.is_empty() && !path.is_empty()).then_some((bucket, path))
}

impl App {
    pub(super) fn open_command_line(&mut self) {
        self.open_input(InputPurpose::CommandLine, "");
    }

    /// The row of the jobs list a command names: by its service id, or by its `#N`.
    fn job_named(&self, id: &str) -> Option<usize> {
        self.jobs
            .rows
            .iter()
            .position(|r| r.job_id.as_deref() == Some(id))
            .or_else(|| self.jobs.rows.iter().position(|r| r.key.to_string() == id))
    }
}

#[cfg(test)]
mod tests {
    use super::{VERBS, hint};

    /// The README's table of commands names every verb with its usage, so it cannot fall
    /// behind the list the command line runs.
    #[test]
    fn readme_lists_every_command_with_its_usage() {
        let readme = include_str!("../../../README.md");
        for verb in VERBS {
            assert!(
                readme.contains(&format!("`{}`", verb.usage())),
                "README.md does not list {}",
                verb.usage()
            );
        }
    }

    /// Each description fits the help overlay's column (72 wide, keys in the first 20).
    #[test]
    fn descriptions_fit_the_help_column() {
        for verb in VERBS {
            assert!(verb.what.chars().count() <= 50, "too long: {}", verb.what);
        }
    }

    #[test]
    fn the_hint_follows_the_verb_being_typed() {
        assert!(hint("").contains(":help lists every verb"));
        assert!(hint("gen").starts_with(":generate PROMPT"));
        assert!(
            hint("ge").contains(":help lists every verb"),
            "generate or get"
        );
        assert!(
            hint("d").contains(":help lists every verb"),
            "d is ambiguous"
        );
        assert!(hint("du videos").starts_with(":du BUCKET[/PREFIX]"));
        assert!(hint("ge videos").contains(":help lists every verb"));
    }
}
