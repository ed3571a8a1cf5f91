//! Enter on the command line: each verb through the path its key in a panel takes (the same
//! question before anything is deleted or paid for, the same engine command), or a one-line
//! usage when its arguments are wrong, with nothing sent.

use std::path::PathBuf;

use super::{Verb, split_bucket_path, verb, verb_names};
use crate::app::buckets::{BucketsPane, DEFAULT_SIGNED_SECS, ObjectsLocation};
use crate::app::details::Scroll;
use crate::app::keymap::Action;
use crate::app::modal::Submission;
use crate::app::{App, Effect, Focus, Overlay, Page};
use sora_core::engine::{AfterCount, Command, JobKey, StorageOp};
use sora_core::providers::{ContentVariant, JobStatus};
use sora_core::storage::path::join_folder;
use sora_core::storage::{Transfer, check_object_path};

impl App {
    /// Enter on the command line.
    pub(in crate::app) fn run_command_line(&mut self, line: &str) -> Vec<Effect> {
        let line = line.trim();
        let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        if name.is_empty() {
            return Vec::new();
        }
        let Some(verb) = verb(name) else {
            let why = match name {
                "resume" => "the dashboard resumed the journal's unfinished jobs when it started",
                "sim" => "the simulator runs beside the dashboard (`sora-tui sim`, or --demo)",
                _ => "",
            };
            if why.is_empty() {
                self.warn(format!(
                    ":{name} is no command; the commands are {} (Tab completes, :help shows each)",
                    verb_names()
                ));
            } else {
                self.warn(format!(":{name} is not needed here: {why}."));
            }
            return Vec::new();
        };
        let args: Vec<&str> = rest.split_whitespace().collect();
        match (verb.name, args.as_slice()) {
            ("generate", [_, ..]) => self.generate_from_line(rest),
            ("remix", [id, _, ..]) => {
                let prompt = rest[id.len()..].trim();
                self.remix_from_line(id, prompt)
            }
            ("jobs", []) => {
                self.show_dashboard(Focus::Jobs);
                self.load_service_jobs()
            }
            ("status", [id]) => self.show_job(id),
            ("delete", [id]) => self.delete_job_named(id),
            ("download", [id]) => self.download_by_id(id),
            ("buckets", []) => {
                self.show_dashboard(Focus::Buckets);
                self.buckets.pane = BucketsPane::Buckets;
                self.refresh_buckets()
            }
            ("ls", [location]) => self.list_from_line(location),
            ("du", [location]) => self.count_from_line(location),
            ("upload", [file, rest @ ..]) if rest.len() <= 1 => {
                self.upload_by_path(file, rest.first())
            }
            ("get", [object, dest @ ..]) if dest.len() <= 1 => {
                self.get_from_line(object, dest.first().copied())
            }
            ("url", [object, secs @ ..]) if secs.len() <= 1 => {
                self.sign_from_line(object, secs.first().copied())
            }
            ("rm", [path]) => self.remove_from_line(path),
            ("cp", [from, to]) => self.transfer_from_line(Transfer::Copy, from, to),
            ("mv", [from, to]) => self.transfer_from_line(Transfer::Move, from, to),
            ("history", []) => self.perform(Action::ShowHistory),
            ("doctor", []) => self.perform(Action::ShowDoctor),
            ("help", []) => {
                self.help_visible = true;
                self.help_scroll = 0;
                self.help_commands_first = true;
                Vec::new()
            }
            ("quit", []) => self.perform(Action::Quit),
            // Too few or too many words for the verb.
            _ => {
                self.warn(verb.usage_line());
                Vec::new()
            }
        }
    }

    fn show_dashboard(&mut self, focus: Focus) {
        self.page = Page::Dashboard;
        self.overlay = None;
        self.focus = focus;
    }

    /// A check of the verb's arguments failed: say why, with its usage; nothing is sent.
    fn refuse(&mut self, name: &str, why: &str) -> Vec<Effect> {
        let usage = verb(name).map(Verb::usage).unwrap_or_default();
        self.warn(format!(":{name} {why} (usage: {usage}). Nothing was sent."));
        Vec::new()
    }

    /// `:generate PROMPT`: one job with the prompt panel's parameters, through the submit of
    /// Enter (the rapid-submit and several-variants questions included). The field is left as
    /// it is.
    fn generate_from_line(&mut self, prompt: &str) -> Vec<Effect> {
        let prompt = unquoted(prompt);
        if prompt.is_empty() {
            return self.refuse("generate", "needs the prompt");
        }
        let request = self.prompt.request_for(prompt);
        self.show_dashboard(Focus::Jobs);
        self.submit_checked(Submission {
            request,
            remix_of: None,
            from_field: false,
        })
    }

    /// `:remix ID PROMPT`: as `m` on a finished job and then Enter.
    fn remix_from_line(&mut self, id: &str, prompt: &str) -> Vec<Effect> {
        if !self.supports_remix() {
            self.warn(":remix: this provider cannot remix: remix is part of the v1 videos API (azure-sora2 or openai). Nothing was sent.");
            return Vec::new();
        }
        // A job the list knows must have finished; an id it does not know goes to the service,
        // which answers for it, as the headless `remix` does.
        let source = match self.job_named(id).and_then(|i| self.jobs.rows.get(i)) {
            Some(row) => {
                let done = row
                    .steps
                    .last()
                    .is_some_and(|s| s.status == JobStatus::Succeeded);
                match row.job_id.clone().filter(|_| done) {
                    Some(job_id) => job_id,
                    None => {
                        let why = format!(
                            "{id}: {} has not finished: only a finished video can be remixed",
                            row.key
                        );
                        return self.refuse("remix", &why);
                    }
                }
            }
            None => id.to_string(),
        };
        let prompt = unquoted(prompt);
        if prompt.is_empty() {
            return self.refuse("remix", "needs the prompt");
        }
        let request = self.prompt.request_for(prompt);
        self.show_dashboard(Focus::Jobs);
        self.submit_checked(Submission {
            request,
            remix_of: Some(source),
            from_field: false,
        })
    }

    /// `:status ID`: the job selected in the jobs panel and its details open.
    fn show_job(&mut self, id: &str) -> Vec<Effect> {
        let Some(index) = self.job_named(id) else {
            return self.refuse_unknown_job("status", id);
        };
        self.show_dashboard(Focus::Jobs);
        // Selected when the list's filter shows it; the details open either way.
        if self
            .jobs
            .rows
            .get(index)
            .is_some_and(|r| self.jobs.shows(r))
        {
            self.jobs.selected = index;
        }
        if let Some(row) = self.jobs.rows.get(index) {
            self.overlay = Some(Overlay::Details {
                job: row.key,
                scroll: Scroll::FromTop(0),
            });
        }
        Vec::new()
    }

    /// `:delete ID`: the question of `x` on that job; only `y` sends the delete.
    fn delete_job_named(&mut self, id: &str) -> Vec<Effect> {
        let Some(index) = self.job_named(id) else {
            return self.refuse_unknown_job("delete", id);
        };
        self.show_dashboard(Focus::Jobs);
        self.ask_delete_job_at(index);
        Vec::new()
    }

    fn refuse_unknown_job(&mut self, verb: &str, id: &str) -> Vec<Effect> {
        let why = format!(
            "{id}: no such job in the jobs list (:jobs loads the service's own list, :download ID picks one up)"
        );
        self.refuse(verb, &why)
    }

    /// `:download ID`: the job gets a row of its own and goes through the engine like any other.
    fn download_by_id(&mut self, id: &str) -> Vec<Effect> {
        let key = JobKey(self.next_job);
        self.next_job += 1;
        self.jobs.row_or_insert(key, &format!("download {id}"));
        self.jobs.select_last();
        self.show_dashboard(Focus::Jobs);
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

    /// `BUCKET[/PREFIX]` of `:ls` and `:du`, checked against the bucket list when it is loaded;
    /// `Err` is the refusal, already said.
    fn folder_location(&mut self, verb: &str, text: &str) -> Result<ObjectsLocation, Vec<Effect>> {
        let text = text.trim_matches('/');
        let (bucket, prefix) = text.split_once('/').unwrap_or((text, ""));
        if bucket.is_empty() {
            return Err(self.refuse(verb, "needs a bucket"));
        }
        let names = self.buckets.bucket_names();
        if !names.is_empty() && !names.contains(&bucket) {
            let why = format!("{bucket}: no such bucket (there are {})", names.join(", "));
            return Err(self.refuse(verb, &why));
        }
        Ok(ObjectsLocation {
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        })
    }

    /// `:ls BUCKET[/PREFIX]`: the bucket browser opens there, as Enter on the bucket would.
    fn list_from_line(&mut self, text: &str) -> Vec<Effect> {
        let location = match self.folder_location("ls", text) {
            Ok(location) => location,
            Err(refused) => return refused,
        };
        self.show_dashboard(Focus::Buckets);
        self.buckets.select_bucket_named(&location.bucket);
        self.buckets.pane = BucketsPane::Objects;
        vec![Effect::Engine(self.list_objects(location))]
    }

    /// `:du BUCKET[/PREFIX]`: the count of `t`.
    fn count_from_line(&mut self, text: &str) -> Vec<Effect> {
        let location = match self.folder_location("du", text) {
            Ok(location) => location,
            Err(refused) => return refused,
        };
        self.inform(format!("Counting {}…", text.trim_matches('/')));
        vec![Effect::Engine(Command::Storage(StorageOp::CountFolder {
            bucket: location.bucket,
            prefix: location.prefix,
            then: AfterCount::Show,
        }))]
    }

    /// `BUCKET/PATH` of one object, checked as the bucket browser checks a listed name; `Err`
    /// is the refusal, already said.
    fn object_at<'a>(
        &mut self,
        verb: &str,
        text: &'a str,
    ) -> Result<(&'a str, &'a str), Vec<Effect>> {
        let Some((bucket, path)) = split_bucket_path(text).filter(|(_, p)| !p.ends_with('/'))
        else {
            return Err(self.refuse(verb, &format!("{text}: write BUCKET/PATH of an object")));
        };
        if let Err(e) = check_object_path(path) {
            return Err(self.refuse(verb, &format!("{text}: {e}")));
        }
        Ok((bucket, path))
    }

    /// `:get BUCKET/PATH [DEST]`: the download of the bucket browser, to DEST or the download
    /// folder; a file already there is replaced only after a question (when the answer comes).
    fn get_from_line(&mut self, object: &str, dest: Option<&str>) -> Vec<Effect> {
        let (bucket, path) = match self.object_at("get", object) {
            Ok(found) => found,
            Err(refused) => return refused,
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let out = match dest {
            None => self.settings.download_dir.join(name),
            Some(dir) if dir.ends_with('/') => PathBuf::from(expand_home(dir)).join(name),
            Some(file) => PathBuf::from(expand_home(file)),
        };
        self.inform(format!("Downloading {bucket}/{path} to {}…", out.display()));
        vec![Effect::Engine(Command::Storage(
            StorageOp::DownloadObject {
                bucket: bucket.to_string(),
                object_path: path.to_string(),
                out,
                overwrite: false,
            },
        ))]
    }

    /// `:url BUCKET/PATH [SECONDS]`: a signed URL, copied when it comes, as the bucket
    /// browser's signed-URL key does.
    fn sign_from_line(&mut self, object: &str, secs: Option<&str>) -> Vec<Effect> {
        let (bucket, path) = match self.object_at("url", object) {
            Ok(found) => found,
            Err(refused) => return refused,
        };
        let expires_in = match secs {
            None => DEFAULT_SIGNED_SECS,
            Some(text) => match text.parse::<u64>() {
                Ok(secs) if secs >= 1 => secs,
                _ => {
                    let why = format!("`{text}` is not a number of seconds (1 or more)");
                    return self.refuse("url", &why);
                }
            },
        };
        self.inform(format!(
            "Signing a URL for {bucket}/{path}, valid {expires_in} s…"
        ));
        vec![Effect::Engine(Command::Storage(StorageOp::SignUrl {
            bucket: bucket.to_string(),
            object_path: path.to_string(),
            expires_in,
        }))]
    }

    /// `:rm BUCKET/PATH`: the question of `x`, `y` only; a folder (given with its `/`) is
    /// counted first and then asked about, as `x` on a folder.
    fn remove_from_line(&mut self, text: &str) -> Vec<Effect> {
        if let Some((bucket, folder)) = split_bucket_path(text).filter(|(_, p)| p.ends_with('/')) {
            let prefix = folder.trim_end_matches('/').to_string();
            self.inform(format!("Counting {bucket}/{prefix} before asking…"));
            return vec![Effect::Engine(Command::Storage(StorageOp::CountFolder {
                bucket: bucket.to_string(),
                prefix,
                then: AfterCount::Delete,
            }))];
        }
        let (bucket, object) = match self.object_at("rm", text) {
            Ok((bucket, object)) => (bucket.to_string(), object.to_string()),
            Err(refused) => return refused,
        };
        self.confirm(
            format!("Delete {bucket}/{object}? It cannot be undone."),
            vec![Command::Storage(StorageOp::DeleteObjects {
                bucket,
                paths: vec![object],
            })],
        );
        Vec::new()
    }

    /// `:cp`/`:mv SRC DST`: as the bucket browser's copy and move. DST is `BUCKET/PATH`; a bare
    /// bucket or a DST ending in `/` keeps the name; a SRC ending in `/` is a folder.
    fn transfer_from_line(&mut self, kind: Transfer, from: &str, to: &str) -> Vec<Effect> {
        let verb = if kind == Transfer::Copy { "cp" } else { "mv" };
        let folder = from.ends_with('/');
        let Some((bucket, path)) = split_bucket_path(from.trim_end_matches('/')) else {
            return self.refuse(verb, &format!("{from}: write BUCKET/PATH as the source"));
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let inside = to.ends_with('/');
        let to = to.trim_matches('/');
        let (to_bucket, to_path) = to.split_once('/').unwrap_or((to, ""));
        if to_bucket.is_empty() {
            return self.refuse(verb, "needs BUCKET[/PATH] as the destination");
        }
        let to_path = if inside || to_path.is_empty() {
            join_folder(to_path, name)
        } else {
            to_path.to_string()
        };
        self.transfer(
            kind,
            bucket.to_string(),
            path.to_string(),
            folder,
            to_bucket.to_string(),
            to_path,
        )
    }

    /// `:upload FILE [BUCKET[/PATH]]`: to the output bucket under the file's name by default.
    fn upload_by_path(&mut self, file: &str, to: Option<&&str>) -> Vec<Effect> {
        let path = PathBuf::from(expand_home(file));
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
}

/// A prompt typed in quotes, as a shell would want it, without them.
fn unquoted(text: &str) -> &str {
    let text = text.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner.trim();
        }
    }
    text
}

/// `~/x` → `$HOME/x`.
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}
