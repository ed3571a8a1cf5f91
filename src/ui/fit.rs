//! Lines that fit their width with the important part kept: a line cut by the frame loses its
//! end, and the end is where the newest status, the outcome or the cost stands.

use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

/// The columns `spans` take.
pub fn width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| s.content.width()).sum()
}

/// A chain of entries (oldest first) joined by `separator` after `lead`, in `max` columns: the
/// oldest entries give way to `…` so the newest one stays in sight.
pub fn newest_first_kept<'a>(
    lead: Span<'a>,
    entries: Vec<Vec<Span<'a>>>,
    separator: Span<'a>,
    max: usize,
) -> Vec<Span<'a>> {
    let sep = separator.content.width();
    let widths: Vec<usize> = entries.iter().map(|e| width(e)).collect();
    let total =
        lead.content.width() + widths.iter().sum::<usize>() + sep * entries.len().saturating_sub(1);
    let mut skip = 0;
    if total > max {
        // `… → ` stands for the entries left out.
        let ellipsis = 1 + sep;
        let mut used = lead.content.width() + ellipsis;
        skip = entries.len();
        for (i, w) in widths.iter().enumerate().rev() {
            let add = w + if i + 1 < entries.len() { sep } else { 0 };
            if used + add > max && skip < entries.len() {
                break;
            }
            used += add;
            skip = i;
        }
    }
    let mut spans = vec![lead];
    if skip > 0 {
        spans.push(Span::styled("…", separator.style));
        spans.push(separator.clone());
    }
    for (i, entry) in entries.into_iter().enumerate().skip(skip) {
        if i > skip {
            spans.push(separator.clone());
        }
        spans.extend(entry);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(spans: &[Span<'_>]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    fn chain(max: usize) -> String {
        let entries = ["queued 1.0s", "running 2.0s", "succeeded 3.0s"]
            .iter()
            .map(|e| vec![Span::raw(*e)])
            .collect();
        text(&newest_first_kept(
            Span::raw("  "),
            entries,
            Span::raw(" → "),
            max,
        ))
    }

    #[test]
    fn a_chain_that_fits_is_whole() {
        assert_eq!(chain(80), "  queued 1.0s → running 2.0s → succeeded 3.0s");
    }

    #[test]
    fn a_chain_too_long_drops_its_oldest_entries_and_keeps_the_newest() {
        assert_eq!(chain(40), "  … → running 2.0s → succeeded 3.0s");
        assert_eq!(chain(25), "  … → succeeded 3.0s");
        // Narrower than the newest entry alone: it is still the one shown (the frame cuts it).
        assert_eq!(chain(10), "  … → succeeded 3.0s");
    }
}
