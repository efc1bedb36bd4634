//! Kubernetes resource quantities ("250m", "1.5", "128Mi", "123456789n") as milli-CPU and
//! bytes.

/// The value of a quantity in its base unit, or `None` when it does not parse.
fn value(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q.find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E').unwrap_or(q.len());
    // "1e3" is a number with an exponent; "1E" alone is exa.
    let (num, suffix) = if split == q.len() && q.ends_with(['E', 'e']) {
        (&q[..q.len() - 1], &q[q.len() - 1..])
    } else {
        q.split_at(split)
    };
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => return None,
    };
    Some(n * mult)
}

/// CPU in millicores.
pub fn cpu_milli(q: &str) -> Option<u64> {
    value(q).map(|v| (v * 1000.0).round().max(0.0) as u64)
}

pub fn bytes(q: &str) -> Option<u64> {
    value(q).map(|v| v.round().max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_the_api_writes() {
        assert_eq!(cpu_milli("250m"), Some(250));
        assert_eq!(cpu_milli("2"), Some(2000));
        assert_eq!(cpu_milli("1.5"), Some(1500));
        assert_eq!(cpu_milli("123456789n"), Some(123));
        assert_eq!(cpu_milli("1500u"), Some(2));
        assert_eq!(bytes("128Mi"), Some(128 << 20));
        assert_eq!(bytes("12345Ki"), Some(12345 * 1024));
        assert_eq!(bytes("1G"), Some(1_000_000_000));
        assert_eq!(bytes("1e3"), Some(1000));
        assert_eq!(bytes("1000"), Some(1000));
        assert_eq!(bytes("lots"), None);
    }
}
