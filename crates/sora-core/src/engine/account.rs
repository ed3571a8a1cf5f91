//! The account of a configured service (Runway's credit balance), for the header.

use super::{Ctx, EngineEvent, Via};

/// The account of `family`'s configured service: its answer for the header, or a warning.
pub(super) async fn check_account(ctx: &Ctx, family: crate::providers::Family) {
    let via = Via {
        family,
        model: None,
    };
    let answer = match ctx.services.pick(Some(&via)) {
        Ok(provider) => provider.account().await,
        Err(message) => Some(Err(message)),
    };
    match answer {
        Some(Ok(text)) => ctx.send(EngineEvent::Account { family, text }),
        Some(Err(message)) => ctx.send(EngineEvent::Warning {
            key: None,
            message: format!(
                "{} did not give the account's balance: {message}",
                family.label()
            ),
        }),
        None => {}
    }
}
