//! The full-screen pages besides the dashboard: the job history (from the journal) and the
//! doctor's report.

use sora_core::doctor::Report;
use sora_core::journal::JobRecord;

use super::Remote;

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
    pub selected: usize,
}

impl HistoryState {
    pub fn selected_record(&self) -> Option<&JobRecord> {
        self.records.loaded().and_then(|r| r.get(self.selected))
    }

    pub fn set(&mut self, mut records: Vec<JobRecord>) {
        records.reverse();
        self.selected = self.selected.min(records.len().saturating_sub(1));
        self.records = Remote::Loaded(records);
    }

    pub fn move_selection(&mut self, delta: isize) {
        let len = self.records.loaded().map_or(0, Vec::len);
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }
}

#[derive(Debug, Clone, Default)]
pub struct DoctorState {
    pub report: Remote<Report>,
    /// The last run included the upload/delete probe.
    pub probed: bool,
}
