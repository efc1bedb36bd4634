//! Strings from the cluster, alerts and clouds are shown as text: control characters are replaced
//! visibly (ESC becomes ␛) so nothing reaches the terminal as an escape sequence; then cut and
//! aligned by display width. Plain strings only: styling belongs to `ui`.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// Replace C0/C1 control characters and DEL with their visible Unicode "control pictures".
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if is_control(c) { picture(c) } else { c }).collect())
}

fn is_control(c: char) -> bool {
    c.is_control()
}

fn picture(c: char) -> char {
    match c as u32 {
        // U+2400 … U+241F are the pictures of NUL … US.
        n @ 0x00..=0x1f => char::from_u32(0x2400 + n).unwrap_or('\u{fffd}'),
        0x7f => '\u{2421}',
        _ => '\u{fffd}',
    }
}

/// Clean and cut to `width` columns, with an ellipsis when cut.
pub fn fit(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let s = clean(s);
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Clean, cut to `width` columns and pad with spaces to exactly `width`, left-aligned.
pub fn pad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    let used = s.width();
    format!("{s}{}", " ".repeat(width.saturating_sub(used)))
}

/// Clean, cut to `width` columns and pad with spaces to exactly `width`, right-aligned.
pub fn rpad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(clean("a\x1b[31mred\x07"), "a␛[31mred␇");
        assert_eq!(clean("tab\there\r\n"), "tab␉here␍␊");
        assert_eq!(clean("\u{9b}x"), "\u{fffd}x");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn fit_cuts_with_ellipsis() {
        assert_eq!(fit("storefront", 6), "store…");
        assert_eq!(fit("cart", 6), "cart");
        assert_eq!(pad("cart", 6), "cart  ");
        assert_eq!(rpad("cart", 6), "  cart");
        assert_eq!(pad("storefront", 6), "store…");
    }
}
