//! A value the engine fetches: not asked for yet, on its way, arrived, or failed with the
//! server's message. The bucket browser, the history and the doctor's page all hold one.

/// A remote list: not asked yet, on its way, arrived, or failed with the server's message.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Remote<T> {
    #[default]
    NotLoaded,
    Loading,
    Loaded(T),
    Failed(String),
}

impl<T> Remote<T> {
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Remote::Loaded(value) => Some(value),
            _ => None,
        }
    }
}
