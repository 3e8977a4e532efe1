//! Resident memory of this process, from Linux's `/proc/self/status`: VmRSS (now) and VmHWM
//! (the peak), which `/proc/self/clear_refs` can reset to the current size so that a peak is
//! that of one engine's creation and warm-up. Elsewhere every figure is `None`.

use std::fs;

/// A `/proc/self/status` field in bytes (the kernel gives kB).
fn status_bytes(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find(|line| line.split(':').next() == Some(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resident memory now.
pub fn rss() -> Option<u64> {
    status_bytes("VmRSS")
}

/// Peak resident memory since the process started or since the last [`reset_peak`].
pub fn peak_rss() -> Option<u64> {
    status_bytes("VmHWM")
}

/// Resets the peak to the current resident size (Linux 4.0+); returns whether it could.
pub fn reset_peak() -> bool {
    fs::write("/proc/self/clear_refs", "5").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_is_at_least_current() {
        if let (Some(now), Some(peak)) = (rss(), peak_rss()) {
            assert!(peak >= now / 2, "{peak} against {now}");
        }
    }
}
