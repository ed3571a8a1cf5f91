//! The clock check: this machine's time against a server's `Date` header.

use std::time::{Duration, SystemTime};

use super::report::Check;

/// Clock skew beyond this breaks token expiry and signed URLs.
const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

/// The clock check against the first server `Date` header the other checks saw.
pub(super) fn check(server_date: Option<&str>, now: SystemTime) -> Check {
    match server_date.map(|d| clock_skew(d, now)) {
        Some(Some(skew)) if skew.abs() > MAX_SKEW.as_secs_f64() => Check::fail(
            "clock",
            format!(
                "this machine's clock is {} from the server's",
                describe_skew(skew)
            ),
            "set the time right (enable NTP): tokens and signed URLs depend on it",
        ),
        Some(Some(skew)) => Check::pass(
            "clock",
            format!("within {:.0} s of the server", skew.abs().ceil()),
        ),
        _ => Check::skip("clock", "no server answered with a Date header"),
    }
}

/// Seconds this machine is ahead (+) or behind (−) the server's `Date` header.
pub fn clock_skew(date_header: &str, now: SystemTime) -> Option<f64> {
    let server = httpdate::parse_http_date(date_header.trim()).ok()?;
    Some(match now.duration_since(server) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    })
}

fn describe_skew(skew: f64) -> String {
    let amount = crate::present::duration(Duration::from_secs(skew.abs().round() as u64));
    if skew > 0.0 {
        format!("{amount} ahead")
    } else {
        format!("{amount} behind")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_clock_skew_both_ways() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        let behind = httpdate::fmt_http_date(now + Duration::from_secs(600));
        assert_eq!(clock_skew(&behind, now), Some(-600.0));
        let ahead = httpdate::fmt_http_date(now - Duration::from_secs(7200));
        assert_eq!(clock_skew(&ahead, now), Some(7200.0));
        assert_eq!(describe_skew(7200.0), "2h 00m ahead");
        assert_eq!(describe_skew(-600.0), "10m 00s behind");
        assert_eq!(clock_skew("yesterday", now), None);
    }
}
