//! The full-screen pages besides the dashboard: the job history (from the journal) and the
//! doctor's report.

use sora_core::doctor::{Mark, Report};
use sora_core::journal::JobRecord;

use super::list_filter::{ListFilter, moved_among, nearest_visible};
use super::{App, Effect, Focus, Remote};
use sora_core::engine::{Command, EngineEvent};

/// What fills the screen between the header and the hint bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    #[default]
    Dashboard,
    History,
    Doctor,
}

#[derive(Debug, Clone, Default)]
pub struct HistoryState {
    /// Newest first, as shown.
    pub records: Remote<Vec<JobRecord>>,
    /// Index in `records` of the selected entry; only one the filter shows counts.
    pub selected: usize,
    /// The `/` filter: only the entries it matches are drawn and acted on.
    pub filter: ListFilter,
}

impl HistoryState {
    /// The selected entry, if the filter shows it: Enter and `x` never reach a hidden one.
    pub fn selected_record(&self) -> Option<&JobRecord> {
        self.records
            .loaded()
            .and_then(|r| r.get(self.selected))
            .filter(|r| self.shows(r))
    }

    pub fn shows(&self, record: &JobRecord) -> bool {
        !self.filter.is_active() || self.filter.matches(record_fields(record))
    }

    /// Indices in `records` of the entries on the page, newest first.
    pub fn visible(&self) -> Vec<usize> {
        let records = self.records.loaded().map_or(&[][..], Vec::as_slice);
        (0..records.len())
            .filter(|i| records.get(*i).is_some_and(|r| self.shows(r)))
            .collect()
    }

    pub fn set(&mut self, mut records: Vec<JobRecord>) {
        records.reverse();
        self.selected = self.selected.min(records.len().saturating_sub(1));
        self.records = Remote::Loaded(records);
        self.keep_selection_visible();
    }

    pub fn move_selection(&mut self, delta: isize) {
        if let Some(index) = moved_among(&self.visible(), self.selected, delta) {
            self.selected = index;
        }
    }

    /// After the filter changed: the selection on the nearest entry still shown.
    pub fn keep_selection_visible(&mut self) {
        if let Some(index) = nearest_visible(&self.visible(), self.selected) {
            self.selected = index;
        }
    }
}

/// When the entry started, as the page shows it (`2026-05-01 12:00:00.000`). A damaged journal
/// value (a date after the year 9999) shows as it is, never panics.
pub fn record_when(record: &JobRecord) -> String {
    sora_core::text::utc_time_millis(record.started_at)
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
}

/// What an entry shows that a `/` filter matches: prompt, ids, status, date, parameters.
fn record_fields(record: &JobRecord) -> Vec<String> {
    let mut fields = vec![
        record.request.prompt.clone(),
        record.id.clone(),
        record_when(record),
        record.request.parameters(),
        record.provider.clone(),
        format!("{:?}", record.state).to_lowercase(),
    ];
    fields.extend(record.job_id.clone());
    fields.extend(record.status.clone());
    fields.extend(record.failure.clone());
    fields
}

#[derive(Debug, Clone, Default)]
pub struct DoctorState {
    pub report: Remote<Report>,
    /// The last run included the upload/delete probe.
    pub probed: bool,
    /// Lines scrolled off the top of the report.
    pub scroll: u16,
}

impl App {
    /// The history's records and the doctor's report.
    pub(super) fn on_page_event(&mut self, event: EngineEvent) {
        match event {
            EngineEvent::History(result) => match result {
                Ok(records) => self.history.set(records),
                Err(e) => self.history.records = Remote::Failed(e),
            },
            EngineEvent::Doctor(report) => {
                // The verdict is the report's own, worded as the `doctor` command words it.
                let summary = report.summary();
                let warned = report.checks.iter().any(|c| c.mark == Mark::Warn);
                let failed = report.failed();
                self.doctor.report = Remote::Loaded(report);
                if failed {
                    self.warn("The doctor found problems: see the fixes on the Doctor page (F6).");
                } else if warned {
                    self.warn(format!("Doctor: {summary} See the Doctor page (F6)."));
                } else {
                    self.inform(format!("Doctor: {summary}"));
                }
            }
            // Routed elsewhere by `on_engine_event`.
            _ => {}
        }
    }

    pub(super) fn run_doctor(&mut self, probe: bool) -> Vec<Effect> {
        self.doctor.report = Remote::Loading;
        self.doctor.probed = probe;
        vec![Effect::Engine(Command::RunDoctor { probe })]
    }

    /// Copy the selected entry's prompt and parameters into the prompt, ready to send again.
    pub(super) fn rerun_selected(&mut self) {
        let Some(record) = self.history.selected_record() else {
            return;
        };
        let request = record.request.clone();
        self.prompt.input = super::prompt_text::PromptText::new(&request.prompt);
        if let Some(size) = sora_core::providers::Size::parse(&request.size) {
            self.prompt.size = size;
        }
        if request.seconds > 0 {
            self.prompt.seconds = request.seconds;
            self.prompt.variants = request.variants.max(1);
        }
        self.prompt.remix_of = None;
        self.page = Page::Dashboard;
        self.focus = Focus::Prompt;
        let family = record.family.clone();
        match self.adopt_recorded(&family, request.model.as_deref(), &request.params) {
            Ok(()) => self.inform(
                "Prompt and parameters copied from the history: Enter sends it (a new, paid job).",
            ),
            Err(why) => self.warn(format!("Prompt copied from the history, but {why}.")),
        }
    }

    pub(super) fn ask_remove(&mut self, everything: bool) {
        let Some(record) = self.history.selected_record() else {
            return;
        };
        let who = record
            .job_id
            .clone()
            .unwrap_or_else(|| format!("\"{}\"", record.request.prompt));
        let question = if everything {
            format!(
                "Remove {who} from the history, delete its {} file(s) and delete the job on the service? (y/n)",
                record.downloads.len()
            )
        } else {
            format!("Remove {who} from the history? Files and the remote job stay. (y/n)")
        };
        let on_yes = vec![Command::RemoveHistory {
            journal_id: record.id.clone(),
            files: everything,
            remote: everything,
        }];
        self.confirm(question, on_yes);
    }
}
