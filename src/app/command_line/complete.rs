//! Tab on the command line: the verb, then each argument from what the dashboard has loaded
//! (job ids of the jobs list, buckets, the objects of the folder on screen), as far as it is
//! unambiguous; the candidates are listed in the notice when there are several.

use tui_input::Input;

use super::{Candidates, VERBS, verb};
use crate::app::App;
use sora_core::storage::path::join_folder;

/// Candidates listed in the notice at most.
const SHOWN: usize = 8;

impl App {
    pub(in crate::app) fn complete_command_line(&mut self, input: &mut Input) {
        let value = input.value().to_string();
        let (head, word) = match value.rfind(' ') {
            Some(i) => (value[..=i].to_string(), value[i + 1..].to_string()),
            None => (String::new(), value.clone()),
        };
        let before: Vec<&str> = head.split_whitespace().collect();
        let candidates: Vec<String> = match before.split_first() {
            None => VERBS.iter().map(|v| format!("{} ", v.name)).collect(),
            Some((name, args)) => {
                let Some(verb) = verb(name) else {
                    self.warn(format!(
                        ":{name} is no command: Tab completes the verb first."
                    ));
                    return;
                };
                let kind = verb.candidates(args.len());
                let candidates = self.argument_candidates(kind);
                if candidates.is_empty() {
                    let why = match kind {
                        Candidates::Nothing => "nothing to complete here",
                        Candidates::JobIds => "no job in the list has an id yet",
                        Candidates::Paths | Candidates::Folders => "no bucket is loaded yet",
                    };
                    self.inform(format!("{} — {why}.", verb.usage()));
                    return;
                }
                candidates
            }
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
            let shown: Vec<&str> = matching.iter().take(SHOWN).map(|c| c.trim_end()).collect();
            self.inform(format!(
                "{}{}",
                shown.join("  "),
                if matching.len() > SHOWN { "  …" } else { "" }
            ));
        }
        *input = Input::new(format!("{head}{common}"));
    }

    fn argument_candidates(&self, kind: Candidates) -> Vec<String> {
        match kind {
            Candidates::Nothing => Vec::new(),
            // A whole id is a whole argument: a space follows it, as after a verb.
            Candidates::JobIds => {
                let mut ids: Vec<String> = Vec::new();
                for id in self.jobs.rows.iter().filter_map(|r| r.job_id.as_deref()) {
                    let id = format!("{id} ");
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                ids
            }
            Candidates::Paths => self.path_candidates(false),
            Candidates::Folders => self.path_candidates(true),
        }
    }

    /// Buckets (`name/`) and the entries of the open folder (`bucket/path`, a folder with its
    /// `/`) as loaded; only the folders when `folders`.
    fn path_candidates(&self, folders: bool) -> Vec<String> {
        let mut candidates: Vec<String> = self
            .buckets
            .bucket_names()
            .into_iter()
            .map(|b| format!("{b}/"))
            .collect();
        if let (Some(shown), Some(objects)) = (&self.buckets.shown, self.buckets.objects.loaded()) {
            for object in objects {
                if folders && !object.is_folder() {
                    continue;
                }
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
