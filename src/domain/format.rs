//! How numbers, times and sizes read on screen: short, aligned, in the units users know from
//! kubectl and the AWS console.

use super::UnixMs;

/// A duration in kubectl's style: 45s, 12m, 3h, 5d.
pub fn duration_ms(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => {
            let (h, m) = (s / 3600, (s % 3600) / 60);
            if h < 10 && m > 0 { format!("{h}h{m}m") } else { format!("{h}h") }
        }
        _ => format!("{}d", s / 86_400),
    }
}

/// Age of something created at `t`.
pub fn age(now: UnixMs, t: UnixMs) -> String {
    duration_ms(now - t)
}

/// A wall-clock time of day in UTC, "18:04 UTC", for when a silence ends.
/// An RFC 3339 time as the API writes it (`2026-11-18T14:00:00Z`), in ms since the epoch.
pub fn parse_rfc3339(s: &str) -> Option<UnixMs> {
    let t = humantime::parse_rfc3339_weak(s).ok()?;
    t.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_millis() as UnixMs)
}

pub fn clock(t: UnixMs) -> String {
    let secs = t.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02} UTC", secs / 3600, (secs % 3600) / 60)
}

/// "3 s ago", "4 min ago", "2 h ago" for freshness lines.
pub fn ago(now: UnixMs, t: UnixMs) -> String {
    let s = ((now - t) / 1000).max(0);
    match s {
        0..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86_400),
    }
}

/// Bytes in Kubernetes binary units: 512Mi, 1.5Gi.
pub fn bytes(b: u64) -> String {
    const KI: f64 = 1024.0;
    let b = b as f64;
    if b >= KI * KI * KI {
        let g = b / (KI * KI * KI);
        if g >= 10.0 { format!("{g:.0}Gi") } else { format!("{g:.1}Gi") }
    } else if b >= KI * KI {
        format!("{:.0}Mi", b / (KI * KI))
    } else if b >= KI {
        format!("{:.0}Ki", b / KI)
    } else {
        format!("{b:.0}")
    }
}

/// CPU millicores: 250m, 1.5 (cores).
/// A count with thousands separated: 12,500.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn cpu(milli: u64) -> String {
    if milli >= 10_000 {
        format!("{}", milli / 1000)
    } else if milli >= 1000 {
        format!("{:.1}", milli as f64 / 1000.0)
    } else {
        format!("{milli}m")
    }
}

/// Dollars with thousands separators: $1,234 (cents below $100: $12.34).
pub fn money(v: f64) -> String {
    let neg = v < 0.0;
    let v = v.abs();
    let body = if v < 100.0 { format!("{v:.2}") } else { count(v.round() as usize) };
    format!("{}${body}", if neg { "-" } else { "" })
}

/// A ratio as a whole percentage: 0.734 → "73%".
pub fn percent(r: f64) -> String {
    format!("{:.0}%", r * 100.0)
}

/// Signed percentage change: +12%, -3%.
pub fn change(r: f64) -> String {
    format!("{:+.0}%", r * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kubectl() {
        assert_eq!(duration_ms(45_000), "45s");
        assert_eq!(duration_ms(12 * 60_000), "12m");
        assert_eq!(duration_ms(3 * 3_600_000 + 20 * 60_000), "3h20m");
        assert_eq!(duration_ms(30 * 3_600_000), "1d");
    }

    #[test]
    fn money_and_sizes() {
        assert_eq!(money(1234.4), "$1,234");
        assert_eq!(money(12.345), "$12.35");
        assert_eq!(money(1_234_567.0), "$1,234,567");
        assert_eq!(bytes(512 * 1024 * 1024), "512Mi");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024 / 2), "1.5Gi");
        assert_eq!(cpu(250), "250m");
        assert_eq!(cpu(1500), "1.5");
    }
}
