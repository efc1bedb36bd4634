//! Styled text: cutting a line of styled spans to a width. The plain-string rules (control
//! characters made visible, cutting and padding by display width) live in `domain::text`.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

pub use crate::domain::text::{clean, fit, pad, rpad};

/// Cut a line of styled spans to `width` columns, keeping each span's style; the span that
/// crosses the edge is cut with an ellipsis and the rest left out.
pub fn fit_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut out = Vec::new();
    let mut left = width;
    for s in line.spans {
        let sw = s.content.width();
        if sw < left {
            left -= sw;
            out.push(s);
        } else {
            out.push(Span::styled(fit(&s.content, left), s.style));
            break;
        }
    }
    Line::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_line_keeps_styles_and_cuts_the_crossing_span() {
        use ratatui::style::{Color, Style};
        let red = Style::default().fg(Color::Red);
        let line = Line::from(vec![Span::raw("ab "), Span::styled("cdefgh", red), Span::raw(" tail")]);
        let cut = fit_line(line.clone(), 6);
        assert_eq!(cut.spans, [Span::raw("ab "), Span::styled("cd…", red)]);
        assert_eq!(fit_line(line.clone(), 40), line);
    }
}
