//! A job that ends while the user looks elsewhere (another panel, a page, an overlay) is said
//! in the status line until the jobs panel is looked at again, and, when `[ui] notify` asks
//! for it, with the terminal bell and an OSC 9 desktop notification, which the runtime writes.

use super::jobs::JobEnd;
use super::{App, Effect, Focus, Page};
use sora_core::engine::JobKey;

impl App {
    /// The jobs panel is on screen with the focus, and nothing is drawn over it.
    pub fn looking_at_jobs(&self) -> bool {
        self.page == Page::Dashboard
            && self.focus == Focus::Jobs
            && !self.help_visible
            && self.overlay.is_none()
            && self.modals.open.is_none()
    }

    /// Jobs that ended out of sight, with whether they succeeded, oldest first.
    pub fn ended_unseen(&self) -> &[(JobKey, bool)] {
        &self.ended_unseen
    }

    /// A job's last event arrived: remember it (and ring) when nobody was looking.
    pub(super) fn job_ended(&mut self, key: JobKey) -> Vec<Effect> {
        if self.looking_at_jobs() {
            return Vec::new();
        }
        let ok = self
            .jobs
            .row_mut(key)
            .is_some_and(|row| matches!(row.end, Some(JobEnd::Completed { ok: true })));
        self.ended_unseen.retain(|(k, _)| *k != key);
        self.ended_unseen.push((key, ok));
        let notify = self.settings.notify;
        if !notify.bell() && !notify.osc9() {
            return Vec::new();
        }
        let what = if ok { "done" } else { "failed" };
        vec![Effect::Notify {
            bell: notify.bell(),
            osc9: notify.osc9().then(|| format!("sora-tui: job {key} {what}")),
        }]
    }

    /// The user is looking at the jobs panel again: the endings have been seen.
    pub(super) fn settle_unseen(&mut self) {
        if !self.ended_unseen.is_empty() && self.looking_at_jobs() {
            self.ended_unseen.clear();
        }
    }
}
