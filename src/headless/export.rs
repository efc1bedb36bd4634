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
    let (r, g, b) = crate::config::contrast::rgb(c)?;
    Some(format!("#{r:02x}{g:02x}{b:02x}"))
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
