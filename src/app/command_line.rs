//! The `:` command line: the headless verbs inside the dashboard, where the journal lock would
//! refuse the CLI (`:download ID`, `:rm BUCKET/PATH`, `:upload FILE`), with Tab completing the
//! verb and, after it, bucket and object names.

use std::path::PathBuf;

use tui_input::Input;

use super::modal::InputPurpose;
use super::{App, Effect, Focus, Page};
use sora_core::engine::{Command, JobKey, StorageOp};
use sora_core::providers::ContentVariant;
use sora_core::storage::path::join_folder;

/// Every verb with what it takes and does, for completion and the help line.
pub const VERBS: [(&str, &str); 7] = [
    (
        "download",
        "ID: fetch a job's video (it waits for the job to finish)",
    ),
    ("rm", "BUCKET/PATH: delete an object (asks first)"),
    ("upload", "FILE [BUCKET[/PATH]]: upload a local file"),
    ("history", "the history page"),
    ("doctor", "run the doctor"),
    ("help", "every key"),
    ("quit", "quit (asks while jobs run)"),
];

impl App {
    pub(super) fn open_command_line(&mut self) {
        self.open_input(InputPurpose::CommandLine, "");
    }

    /// Enter on the command line.
    pub(super) fn run_command_line(&mut self, line: &str) -> Vec<Effect> {
        let mut words = line.split_whitespace();
        let Some(verb) = words.next() else {
            return Vec::new();
        };
        let args: Vec<&str> = words.collect();
        match (verb, args.as_slice()) {
            ("download", [id]) => self.download_by_id(id),
            ("rm", [path]) => {
                let Some((bucket, object)) = split_bucket_path(path) else {
                    self.warn(format!(
                        ":rm {path}: write BUCKET/PATH (e.g. output-videos/fox.mp4)."
                    ));
                    return Vec::new();
                };
                self.confirm(
                    format!("Delete {bucket}/{object}? It cannot be undone."),
                    vec![Command::Storage(StorageOp::DeleteObjects {
                        bucket: bucket.to_string(),
                        paths: vec![object.to_string()],
                    })],
                );
                Vec::new()
            }
            ("upload", [file, rest @ ..]) if rest.len() <= 1 => {
                self.upload_by_path(file, rest.first())
            }
            ("history", []) => self.perform(super::keymap::Action::ShowHistory),
            ("doctor", []) => self.perform(super::keymap::Action::ShowDoctor),
            ("help", []) => self.perform(super::keymap::Action::ToggleHelp),
            ("quit", []) => self.perform(super::keymap::Action::Quit),
            (verb, _) => {
                match VERBS.iter().find(|(name, _)| *name == verb) {
                    Some((name, usage)) => self.warn(format!(":{name} takes {usage}")),
                    None => self.warn(format!(
                        ":{verb} is no command; the commands are {} (Tab completes)",
                        verb_names()
                    )),
                }
                Vec::new()
            }
        }
    }

    /// `:download ID`: the job gets a row of its own and goes through the engine like any other.
    fn download_by_id(&mut self, id: &str) -> Vec<Effect> {
        let key = JobKey(self.next_job);
        self.next_job += 1;
        self.jobs.row_or_insert(key, &format!("download {id}"));
        self.jobs.select_last();
        self.focus = Focus::Jobs;
        self.page = Page::Dashboard;
        self.inform(format!(
            "{key}: fetching {id}: nothing new is generated or paid for."
        ));
        vec![Effect::Engine(Command::Fetch {
            key,
            job_id: id.to_string(),
            variants: vec![ContentVariant::Video],
            upload: self.settings.auto_upload,
            via: self.via(),
        })]
    }

    /// `:upload FILE [BUCKET[/PATH]]`: to the output bucket under the file's name by default.
    fn upload_by_path(&mut self, file: &str, to: Option<&&str>) -> Vec<Effect> {
        let path = PathBuf::from(file);
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            self.warn(format!(":upload {file}: that names no file."));
            return Vec::new();
        };
        let (bucket, object_path) = match to.map(|t| t.split_once('/').unwrap_or((t, ""))) {
            None => (self.settings.output_bucket.clone(), name),
            Some(("", _)) => {
                self.warn(format!(
                    ":upload {file}: the bucket name is missing before the /."
                ));
                return Vec::new();
            }
            Some((bucket, "")) => (bucket.to_string(), name),
            Some((bucket, folder)) if folder.ends_with('/') => (
                bucket.to_string(),
                join_folder(folder.trim_end_matches('/'), &name),
            ),
            Some((bucket, path)) => (bucket.to_string(), path.to_string()),
        };
        self.inform(format!("Uploading {file} to {bucket}/{object_path}…"));
        vec![Effect::Engine(Command::Storage(StorageOp::UploadFile {
            path,
            bucket,
            object_path,
            upsert: false,
        }))]
    }

    /// Tab on the command line: the verb, then a bucket or object name, as far as it is
    /// unambiguous; the candidates are listed when there are several.
    pub(super) fn complete_command_line(&mut self, input: &mut Input) {
        let value = input.value().to_string();
        let (head, word) = match value.rfind(' ') {
            Some(i) => (value[..=i].to_string(), value[i + 1..].to_string()),
            None => (String::new(), value.clone()),
        };
        let candidates: Vec<String> = if head.is_empty() {
            VERBS.iter().map(|(v, _)| format!("{v} ")).collect()
        } else {
            self.path_candidates()
        };
        let matching: Vec<&String> = candidates.iter().filter(|c| c.starts_with(&word)).collect();
        let Some(first) = matching.first() else {
            self.inform(format!("Nothing starts with '{word}'."));
            return;
        };
        let common = matching.iter().fold(first.to_string(), |common, c| {
            common
                .chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        });
        if matching.len() > 1 {
            let shown: Vec<&str> = matching.iter().take(8).map(|c| c.trim_end()).collect();
            self.inform(format!(
                "{}{}",
                shown.join("  "),
                if matching.len() > 8 { "  …" } else { "" }
            ));
        }
        *input = Input::new(format!("{head}{common}"));
    }

    /// Buckets (`name/`) and the objects of the open folder (`bucket/path`) as loaded.
    fn path_candidates(&self) -> Vec<String> {
        let mut candidates: Vec<String> = self
            .buckets
            .bucket_names()
            .into_iter()
            .map(|b| format!("{b}/"))
            .collect();
        if let (Some(shown), Some(objects)) = (&self.buckets.shown, self.buckets.objects.loaded()) {
            for object in objects {
                let mut path = format!(
                    "{}/{}",
                    shown.bucket,
                    join_folder(&shown.prefix, &object.name)
                );
                if object.is_folder() {
                    path.push('/');
                }
                candidates.push(path);
            }
        }
        candidates
    }
}

/// `bucket/path/to/object` to its bucket and object path (both non-empty).
fn split_bucket_path(text: &str) -> Option<(&str, &str)> {
    let (bucket, path) = text.split_once('/')?;
    (!bucket.is_empty() && !path.is_empty()).then_some((bucket, path))
}

fn verb_names() -> String {
    VERBS.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ")
}
