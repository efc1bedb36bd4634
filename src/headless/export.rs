//! Turn a rendered buffer into plain text, SVG or HTML. SVG and HTML keep the theme's colours
//! (named terminal colours mapped to a fixed dark palette), so screenshots match the console.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use crate::config::Theme;

/// Background and foreground used where the theme says "reset" (the terminal's own).
const DEFAULT_BG: &str = "#1e1e2e";
const DEFAULT_FG: &str = "#d4d4d4";

pub fn to_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            line.push_str(cell.symbol());
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A colour as CSS hex; `None` for Reset (use the default).
pub fn hex(c: Color) -> Option<String> {
    let rgb = match c {
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
    };
    Some(format!("#{:02x}{:02x}{:02x}", rgb.0, rgb.1, rgb.2))
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
        0..=15 => {
            let h = hex(BASE[i as usize]).unwrap_or_default();
            let p = |k: usize| u8::from_str_radix(&h[k..k + 2], 16).unwrap_or(0);
            (p(1), p(3), p(5))
        }
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

/// A run of cells on one row with the same style.
struct Run {
    x: u16,
    text: String,
    fg: String,
    bg: Option<String>,
    bold: bool,
    italic: bool,
    underline: bool,
}

/// The page colours: the theme's terminal, or a dark one.
fn canvas(theme: &Theme) -> (String, String) {
    let bg = theme.background.and_then(hex).unwrap_or_else(|| DEFAULT_BG.into());
    let fg = theme.foreground.and_then(hex).unwrap_or_else(|| DEFAULT_FG.into());
    (bg, fg)
}

fn runs(buf: &Buffer, y: u16, (page_bg, page_fg): (&str, &str)) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut skip = 0;
    for x in 0..buf.area.width {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let cell = &buf[(x, y)];
        skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        let reversed = cell.modifier.contains(Modifier::REVERSED);
        let (mut fg, mut bg) = (hex(cell.fg), hex(cell.bg));
        if reversed {
            std::mem::swap(&mut fg, &mut bg);
            fg = fg.or(Some(page_bg.into()));
            bg = bg.or(Some(page_fg.into()));
        }
        let fg = fg.unwrap_or_else(|| page_fg.into());
        let bold = cell.modifier.contains(Modifier::BOLD);
        let italic = cell.modifier.contains(Modifier::ITALIC);
        let underline = cell.modifier.contains(Modifier::UNDERLINED);
        match out.last_mut() {
            Some(r)
                if r.fg == fg
                    && r.bg == bg
                    && r.bold == bold
                    && r.italic == italic
                    && r.underline == underline =>
            {
                r.text.push_str(cell.symbol())
            }
            _ => out.push(Run { x, text: cell.symbol().to_string(), fg, bg, bold, italic, underline }),
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;

pub fn to_svg(buf: &Buffer, theme: &Theme) -> String {
    let (w, h) = (buf.area.width as f32 * CELL_W, buf.area.height as f32 * CELL_H);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace" font-size="14">"#
    );
    let _ = writeln!(s, "<!-- flightdeck snapshot, theme {} -->", escape(&theme.name));
    let (page_bg, page_fg) = canvas(theme);
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="{page_bg}"/>"#);
    for y in 0..buf.area.height {
        let ty = y as f32 * CELL_H;
        for r in runs(buf, y, (&page_bg, &page_fg)) {
            let n = unicode_width::UnicodeWidthStr::width(r.text.as_str()) as f32;
            if let Some(bg) = &r.bg {
                let _ = writeln!(
                    s,
                    r#"<rect x="{:.1}" y="{ty:.1}" width="{:.1}" height="{CELL_H}" fill="{bg}"/>"#,
                    r.x as f32 * CELL_W,
                    n * CELL_W
                );
            }
            if r.text.trim().is_empty() {
                continue;
            }
            let mut attrs = format!(r#"fill="{}""#, r.fg);
            if r.bold {
                attrs.push_str(r#" font-weight="bold""#);
            }
            if r.italic {
                attrs.push_str(r#" font-style="italic""#);
            }
            if r.underline {
                attrs.push_str(r#" text-decoration="underline""#);
            }
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" textLength="{:.1}" lengthAdjust="spacingAndGlyphs" xml:space="preserve" {attrs}>{}</text>"#,
                r.x as f32 * CELL_W,
                ty + CELL_H * 0.78,
                n * CELL_W,
                escape(&r.text)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

pub fn to_html(buf: &Buffer, theme: &Theme) -> String {
    let mut s = String::new();
    let (page_bg, page_fg) = canvas(theme);
    let _ = writeln!(s, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>flightdeck</title>");
    let _ = writeln!(
        s,
        "<style>body{{background:{page_bg};margin:0}}pre{{color:{page_fg};font:14px/17px 'DejaVu Sans Mono',Menlo,Consolas,monospace;margin:8px}}</style>"
    );
    let _ = writeln!(s, "</head><body><!-- theme {} --><pre>", escape(&theme.name));
    for y in 0..buf.area.height {
        for r in runs(buf, y, (&page_bg, &page_fg)) {
            let mut css = format!("color:{}", r.fg);
            if let Some(bg) = &r.bg {
                let _ = write!(css, ";background:{bg}");
            }
            if r.bold {
                css.push_str(";font-weight:bold");
            }
            if r.italic {
                css.push_str(";font-style:italic");
            }
            if r.underline {
                css.push_str(";text-decoration:underline");
            }
            let _ = write!(s, "<span style=\"{css}\">{}</span>", escape(&r.text));
        }
        s.push('\n');
    }
    s.push_str("</pre></body></html>\n");
    s
}
