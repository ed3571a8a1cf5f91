//! The video services sora-tui speaks, what each can do, and which are shut down: the Sora
//! families' retirement is data here, shown by the prompt panel and `doctor`, and given with a
//! refusal from a retired service. Nothing is blocked by it: a deployment that still answers
//! keeps working.

/// Which API family a configured provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
pub enum Family {
    /// Azure OpenAI preview "video generation jobs" API (Sora 1).
    #[serde(rename = "azure-sora")]
    AzureSora,
    /// Azure OpenAI v1 "videos" API (Sora 2 deployments).
    #[serde(rename = "azure-sora2")]
    AzureSora2,
    /// OpenAI's Videos API.
    #[serde(rename = "openai")]
    OpenAi,
    /// Runway's API (gen4.5, Veo 3.1 and more under one key).
    #[serde(rename = "runway")]
    Runway,
    /// fal.ai's queue (Veo 3.1, Kling, MiniMax Hailuo and more).
    #[serde(rename = "fal")]
    Fal,
}

/// When a service stopped (or stops) serving, and who said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retirement {
    /// `YYYY-MM-DD`.
    pub date: &'static str,
    /// What stops: the model or API, in the vendor's words.
    pub what: &'static str,
    /// Whether the date is the vendor's firm one (`false`: "no earlier than").
    pub firm: bool,
    pub source: &'static str,
}

impl Retirement {
    /// One line for the prompt panel and `doctor`.
    pub fn notice(&self) -> String {
        let when = if self.firm {
            format!("retired {}", self.date)
        } else {
            format!("retiring no earlier than {}", self.date)
        };
        format!(
            "{}: {when} ({}). A deployment that still answers keeps working; Runway and fal.ai generate today",
            self.what, self.source
        )
    }
}

impl Family {
    pub const ALL: [Family; 5] = [
        Family::AzureSora,
        Family::AzureSora2,
        Family::OpenAi,
        Family::Runway,
        Family::Fal,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Family::AzureSora => "azure-sora",
            Family::AzureSora2 => "azure-sora2",
            Family::OpenAi => "openai",
            Family::Runway => "runway",
            Family::Fal => "fal",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.label() == text.trim())
    }

    /// The labels, for refusals and help.
    pub fn labels() -> String {
        Self::ALL.map(Family::label).join(", ")
    }

    /// Remix (a new video from a finished one and a new prompt) is part of the v1 videos API;
    /// Azure's Sora 1 jobs API, Runway and fal have none.
    pub fn supports_remix(self) -> bool {
        matches!(self, Family::AzureSora2 | Family::OpenAi)
    }

    /// Models come from the catalogue (`models.toml`, `[[fal.models]]`) rather than a Sora
    /// profile.
    pub fn uses_catalogue(self) -> bool {
        matches!(self, Family::Runway | Family::Fal)
    }

    /// The service lists its jobs, so a create whose answer was lost can be found again.
    /// Neither Runway nor fal lists tasks.
    pub fn lists_jobs(self) -> bool {
        !self.uses_catalogue()
    }

    /// Where a user looks for a job this program cannot find for itself.
    pub fn where_to_look(self) -> &'static str {
        match self {
            Family::AzureSora | Family::AzureSora2 => {
                "the Azure AI Foundry portal (your resource → Video playground)"
            }
            Family::OpenAi => "platform.openai.com (usage and videos)",
            Family::Runway => {
                "the Runway developer portal (dev.runwayml.com → your organization's tasks and usage)"
            }
            Family::Fal => "fal.ai's dashboard (Requests, under your team)",
        }
    }

    /// The shutdown of this family's service, if one is announced.
    pub fn retirement(self) -> Option<Retirement> {
        match self {
            Family::AzureSora => Some(Retirement {
                date: "2026-02-15",
                what: "Azure OpenAI `sora` (Sora 1, 2025-05-02 preview)",
                firm: false,
                source: "Microsoft's model retirement schedule (azure-ai-docs retirement/models.md)",
            }),
            Family::AzureSora2 => Some(Retirement {
                date: "2026-10-15",
                what: "Azure OpenAI `sora-2` (2025-12-08), no replacement",
                firm: true,
                source: "Microsoft's model retirement schedule, updated 2026-09-02",
            }),
            Family::OpenAi => Some(Retirement {
                date: "2026-09-24",
                what: "OpenAI's Videos API and the sora-2 models, no direct replacement",
                firm: true,
                source: "OpenAI's sora-2 model page and Videos API deprecation notice",
            }),
            Family::Runway | Family::Fal => None,
        }
    }
}

/// Output frame size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// Parse `WxH` (also `W×H`, `W*H`).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase();
        let (w, h) = t
            .split_once('x')
            .or_else(|| t.split_once('×'))
            .or_else(|| t.split_once('*'))?;
        Some(Self::new(w.trim().parse().ok()?, h.trim().parse().ok()?))
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sora_family_says_when_it_stops_and_the_live_ones_do_not() {
        for family in [Family::AzureSora, Family::AzureSora2, Family::OpenAi] {
            let r = family.retirement().expect("Sora is retiring");
            assert!(r.notice().contains(r.date) && r.notice().contains("Runway"));
        }
        assert!(Family::Runway.retirement().is_none() && Family::Fal.retirement().is_none());
        assert_eq!(Family::parse(" fal "), Some(Family::Fal));
        assert!(!Family::Runway.lists_jobs() && Family::OpenAi.lists_jobs());
    }
}
