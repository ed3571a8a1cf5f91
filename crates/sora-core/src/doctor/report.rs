//! The doctor's findings as plain data: which settings are in force and from where, and one
//! mark per check with, for a problem, what to do. Built by `doctor::run`, read by both faces
//! (the `doctor` command prints [`Report::to_text`], the dashboard's Doctor page draws it); it
//! depends on nothing else of the engine, so the engine can carry it without running the doctor.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    Pass,
    Warn,
    Fail,
    /// Not checked, because something it needs failed or is not configured.
    Skip,
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Pass => "✓",
            Mark::Warn => "!",
            Mark::Fail => "✗",
            Mark::Skip => "-",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub name: String,
    pub mark: Mark,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    pub(super) fn new(
        name: &str,
        mark: Mark,
        detail: impl Into<String>,
        fix: Option<String>,
    ) -> Self {
        Self {
            name: name.into(),
            mark,
            detail: detail.into(),
            fix,
        }
    }
    pub(super) fn pass(name: &str, detail: impl Into<String>) -> Self {
        Self::new(name, Mark::Pass, detail, None)
    }
    pub(super) fn fail(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(name, Mark::Fail, detail, Some(fix.into()))
    }
    pub(super) fn warn(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(name, Mark::Warn, detail, Some(fix.into()))
    }
    pub(super) fn skip(name: &str, detail: impl Into<String>) -> Self {
        Self::new(name, Mark::Skip, detail, None)
    }
}

/// One setting as the doctor shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SettingLine {
    pub key: String,
    pub value: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Report {
    pub settings: Vec<SettingLine>,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.mark == Mark::Fail)
    }

    /// The report as a table for the terminal. Details quote servers and files: their
    /// control characters are shown, never sent to the terminal.
    pub fn to_text(&self) -> String {
        use crate::text::one_line as c;
        let mut out = String::from("Settings\n");
        let w = self.settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
        for s in &self.settings {
            out.push_str(&format!(
                "  {:<w$}  {}   ({})\n",
                s.key,
                c(&s.value),
                c(&s.source)
            ));
        }
        out.push_str("\nChecks\n");
        let w = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for check in &self.checks {
            out.push_str(&format!(
                "  {} {:<w$}  {}\n",
                check.mark.symbol(),
                check.name,
                c(&check.detail)
            ));
            if let Some(fix) = &check.fix {
                out.push_str(&format!("    {:<w$}  fix: {}\n", "", c(fix)));
            }
        }
        out.push_str(&format!("\n{}\n", self.summary()));
        out
    }

    /// The one-line verdict, the same for the `doctor` command and the dashboard: a warning
    /// is never summed up as "passed".
    pub fn summary(&self) -> String {
        let failed = self.checks.iter().filter(|c| c.mark == Mark::Fail).count();
        let warned = self.checks.iter().filter(|c| c.mark == Mark::Warn).count();
        match (failed, warned) {
            (0, 0) => "All checks passed.".to_string(),
            (0, w) => format!("No failures; {w} warning(s)."),
            (f, w) => format!("{f} check(s) failed, {w} warning(s)."),
        }
    }
}
