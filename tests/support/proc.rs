//! What the benchmarks read of a running process from /proc.

/// (utime + stime in clock ticks, VmRSS KiB, VmHWM KiB) of a process; zeros when it is gone.
pub fn figures(pid: &str) -> (u64, u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, r)| r).split_whitespace().collect();
    let ticks = fields.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + fields.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| {
        status.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
    };
    (ticks, kib("VmRSS:").unwrap_or(0), kib("VmHWM:").unwrap_or(0))
}
