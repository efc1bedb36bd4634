//! The describe and YAML screens' lines, styled: the text and tones come from
//! `state::pod_text`, which the keys read too; this only picks the theme's style for each tone.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::config::Theme;
use crate::config::theme::Role;
use crate::state::Level;
use crate::state::pod_detail::PodDetail;
use crate::state::pod_text::{TextLine, Tone};

pub fn tone_style(theme: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Text => theme.style(Role::Text),
        Tone::Title => theme.style(Role::Title),
        Tone::Heading => theme.style(Role::Header),
        Tone::Level(l) => theme.level(l),
    }
}

pub fn styled(lines: Vec<TextLine>, theme: &Theme) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .map(|TextLine(spans)| {
            Line::from(
                spans
                    .into_iter()
                    .map(|(tone, text)| Span::styled(text, tone_style(theme, tone)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// For `PodDetail` users outside this screen (the logs' header).
pub fn container_summary(d: &PodDetail, name: &str) -> Option<(String, Level)> {
    let c = d.container(name)?;
    Some((c.state.label(), c.state.level()))
}
