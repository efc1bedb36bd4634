//! Colours as the eye reads them: the 16 ANSI colours' usual RGB values (the ones the SVG and
//! HTML exports draw with), the terminal's own colours where a theme says "reset", and the WCAG
//! contrast ratio between two. The selected row is kept readable by this rule.

use ratatui::style::Color;

use super::Theme;

/// WCAG AA for body text: what a foreground needs against its background.
pub const READABLE: f64 = 4.5;

/// The terminal's own background and text colour where a theme names none (a dark terminal).
pub const DEFAULT_BG: (u8, u8, u8) = (0x1e, 0x1e, 0x2e);
pub const DEFAULT_FG: (u8, u8, u8) = (0xd4, 0xd4, 0xd4);

/// A colour's RGB; `None` for Reset (the terminal's own).
pub fn rgb(c: Color) -> Option<(u8, u8, u8)> {
    Some(match c {
        Color::Reset => return None,
        Color::Black => (0x1e, 0x1e, 0x2e),
        Color::Red => (0xcd, 0x31, 0x31),
        Color::Green => (0x0d, 0xbc, 0x79),
        Color::Yellow => (0xe5, 0xe5, 0x10),
        Color::Blue => (0x24, 0x72, 0xc8),
        Color::Magenta => (0xbc, 0x3f, 0xbc),
        Color::Cyan => (0x11, 0xa8, 0xcd),
        Color::Gray => (0xb0, 0xb0, 0xb0),
        Color::DarkGray => (0x6b, 0x6b, 0x7b),
        Color::LightRed => (0xf1, 0x4c, 0x4c),
        Color::LightGreen => (0x23, 0xd1, 0x8b),
        Color::LightYellow => (0xf5, 0xf5, 0x43),
        Color::LightBlue => (0x3b, 0x8e, 0xea),
        Color::LightMagenta => (0xd6, 0x70, 0xd6),
        Color::LightCyan => (0x29, 0xb8, 0xdb),
        Color::White => (0xf0, 0xf0, 0xf0),
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed(i),
    })
}

fn indexed(i: u8) -> (u8, u8, u8) {
    const BASE: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match i {
        0..=15 => rgb(BASE[i as usize]).unwrap_or(DEFAULT_FG),
        16..=231 => {
            let n = i - 16;
            let lvl = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (lvl(n / 36), lvl((n / 6) % 6), lvl(n % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

/// WCAG relative luminance.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// The WCAG contrast ratio of two colours, 1 (none) to 21 (black on white).
pub fn ratio(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

impl Theme {
    /// What a cell drawn `fg` on `bg` (swapped when `reversed`) shows, as RGB text on RGB
    /// background; "reset" is the theme's stated terminal colours, else a dark terminal's.
    pub fn shown(&self, fg: Color, bg: Color, reversed: bool) -> ((u8, u8, u8), (u8, u8, u8)) {
        let ink = rgb(fg).or_else(|| self.foreground.and_then(rgb)).unwrap_or(DEFAULT_FG);
        let paper = rgb(bg).or_else(|| self.background.and_then(rgb)).unwrap_or(DEFAULT_BG);
        if reversed { (paper, ink) } else { (ink, paper) }
    }

    /// Whether text drawn `fg` on `bg` reads at WCAG AA.
    pub fn readable(&self, fg: Color, bg: Color, reversed: bool) -> bool {
        let (ink, paper) = self.shown(fg, bg, reversed);
        ratio(ink, paper) >= READABLE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_match_the_wcag_examples() {
        assert!((ratio((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((ratio((9, 9, 9), (9, 9, 9)) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic just-passing grey (4.54).
        assert!((ratio((0x76, 0x76, 0x76), (255, 255, 255)) - 4.54).abs() < 0.01);
        assert_eq!(rgb(Color::Indexed(9)), rgb(Color::LightRed));
        assert_eq!(rgb(Color::Indexed(196)), Some((255, 0, 0)));
    }

    #[test]
    fn reset_is_the_themes_terminal_and_reversed_swaps() {
        let light = Theme::builtin("light").unwrap();
        assert_eq!(light.shown(Color::Reset, Color::Reset, false), ((0x24, 0x29, 0x2f), (0xff, 0xff, 0xff)));
        let dark = Theme::default_theme();
        assert_eq!(dark.shown(Color::Reset, Color::Red, true), ((0xcd, 0x31, 0x31), DEFAULT_FG));
        assert!(!dark.readable(Color::LightRed, Color::Cyan, false), "the red on cyan of issue 18");
        assert!(dark.readable(Color::Black, Color::Cyan, false));
    }
}
