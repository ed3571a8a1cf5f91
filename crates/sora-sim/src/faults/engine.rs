//! The rules in force, and the matching of a request against them.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use super::{Fault, FaultRule, Route, Service};

/// The rules in force, and which `[429]` prompts were already refused.
#[derive(Debug, Default)]
pub(crate) struct FaultEngine {
    rules: Mutex<Vec<FaultRule>>,
    pub(super) refused_prompts: Mutex<HashSet<(Service, String)>>,
}

/// When a fault is looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Before the request is handled: answers that replace the service's.
    Before,
    /// After a successful content answer: broken bodies.
    Body,
}

impl FaultEngine {
    pub(crate) fn new(rules: Vec<FaultRule>) -> Self {
        let engine = Self::default();
        for rule in rules {
            engine.inject(rule);
        }
        engine
    }

    pub(crate) fn inject(&self, rule: FaultRule) {
        if rule.times > 0 {
            self.lock().push(rule);
        }
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn rules(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Uses up one firing of the first rule (oldest first) that matches the request and fits the
    /// phase, and returns its fault.
    pub(crate) fn take(
        &self,
        phase: Phase,
        service: Service,
        route: Option<Route>,
        path: &str,
    ) -> Option<Fault> {
        let mut rules = self.lock();
        let index = rules.iter().position(|rule| {
            let fits = match (&rule.fault, phase) {
                (Fault::Status { .. }, Phase::Before) => true,
                (Fault::HtmlOk | Fault::Expired | Fault::FakeMp4, Phase::Before) => {
                    Route::has_content(route)
                }
                (Fault::Stall { .. }, Phase::Before) => {
                    matches!(route, Some(Route::StorageUpload | Route::StorageResumable))
                }
                (Fault::CutUpload { .. }, Phase::Before) => route == Some(Route::StorageResumable),
                (fault, Phase::Body) => fault.is_body_fault() && Route::has_content(route),
                _ => false,
            };
            fits && rule.target.matches(service, route, path)
        })?;
        let rule = &mut rules[index];
        let fault = rule.fault.clone();
        rule.times -= 1;
        if rule.times == 0 {
            rules.remove(index);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::FaultTarget;

    #[test]
    fn rules_are_used_up_in_order() {
        let engine = FaultEngine::new(vec![
            FaultRule::new(
                FaultTarget::new(Route::Poll).service(Service::OpenAI),
                Fault::Status {
                    code: 503,
                    retry_after: None,
                    body: None,
                },
            )
            .times(2),
        ]);
        let take = |service| engine.take(Phase::Before, service, Some(Route::Poll), "/x");
        assert!(take(Service::AzureV1).is_none());
        assert!(take(Service::OpenAI).is_some());
        assert!(take(Service::OpenAI).is_some());
        assert!(take(Service::OpenAI).is_none());
        assert!(engine.rules().is_empty());
    }
}
