//! Small deterministic helpers for the demo world: hashing, seeded noise, kubectl-style names,
//! commit SHAs, civil dates from Unix milliseconds and byte units. No clock, no global state.

use crate::state::UnixMs;

pub const MI: u64 = 1024 * 1024;
pub const SEC: i64 = 1_000;
pub const MIN: i64 = 60 * SEC;
pub const HOUR: i64 = 60 * MIN;
pub const DAY: i64 = 24 * HOUR;

/// The alphabet Kubernetes uses for generated name suffixes and pod-template hashes.
const KUBE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub fn mix(a: u64, b: u64) -> u64 {
    splitmix64(a ^ splitmix64(b))
}

/// A uniform value in [0, 1) determined by `seed` and `k`.
pub fn unit(seed: u64, k: i64) -> f64 {
    (mix(seed, k as u64) >> 11) as f64 / (1u64 << 53) as f64
}

/// Smooth value noise in [-1, 1] with a knot every `knot_ms`, defined for any time.
pub fn smooth_noise(seed: u64, t: UnixMs, knot_ms: i64) -> f64 {
    let k = t.div_euclid(knot_ms);
    let f = t.rem_euclid(knot_ms) as f64 / knot_ms as f64;
    let a = unit(seed, k) * 2.0 - 1.0;
    let b = unit(seed, k + 1) * 2.0 - 1.0;
    let s = f * f * (3.0 - 2.0 * f);
    a + (b - a) * s
}

/// FNV-1a over bytes, for stable fingerprints and ids.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A generated name suffix like kubectl shows (`x2k9q`).
pub fn kube_suffix(rng: &mut fastrand::Rng, len: usize) -> String {
    (0..len).map(|_| KUBE_ALPHABET[rng.usize(..KUBE_ALPHABET.len())] as char).collect()
}

/// A pod-template hash (`7d9f8b6c4`): 9 or 10 characters of the Kubernetes alphabet.
pub fn template_hash(rng: &mut fastrand::Rng) -> String {
    let len = if rng.u8(..4) == 0 { 10 } else { 9 };
    kube_suffix(rng, len)
}

/// A 40-hex commit SHA.
pub fn sha(rng: &mut fastrand::Rng) -> String {
    format!("{:016x}{:016x}{:08x}", rng.u64(..), rng.u64(..), rng.u32(..))
}

/// A Kubernetes object UID.
pub fn uid(rng: &mut fastrand::Rng) -> String {
    let a = rng.u64(..);
    let b = rng.u64(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

pub use crate::sources::calendar::{civil_from_days, days_from_civil, days_in_month};

/// 0 = Sunday … 6 = Saturday.
pub fn weekday(days: i64) -> u32 {
    (days + 4).rem_euclid(7) as u32
}

/// "18/11/26 14:02:00", the timestamp format of CloudWatch's StateReason.
pub fn cloudwatch_time(ms: UnixMs) -> String {
    let days = ms.div_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    let secs = ms.rem_euclid(DAY) / 1000;
    format!(
        "{d:02}/{m:02}/{:02} {:02}:{:02}:{:02}",
        y.rem_euclid(100),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A back-off duration as Go prints it: 10s, 40s, 1m20s, 5m0s.
pub fn go_duration(ms: i64) -> String {
    let s = ms / 1000;
    if s < 60 { format!("{s}s") } else { format!("{}m{}s", s / 60, s % 60) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        // FIXED_EPOCH is 2026-11-18 14:00 UTC, a Wednesday.
        let days = 1_795_010_400_000i64.div_euclid(DAY);
        assert_eq!(civil_from_days(days), (2026, 11, 18));
        assert_eq!(days_from_civil(2026, 11, 18), days);
        assert_eq!(weekday(days), 3);
        assert_eq!(days_in_month(2026, 11), 30);
        assert_eq!(days_in_month(2028, 2), 29);
        assert_eq!(cloudwatch_time(1_795_010_520_000), "18/11/26 14:02:00");
        assert_eq!(go_duration(80_000), "1m20s");
        assert_eq!(go_duration(300_000), "5m0s");
    }
}
