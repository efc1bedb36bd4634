//! The silence form overlay: what is silenced, where and in which context; the matchers, the
//! duration presets, the comment and the author, with the field being edited marked and any
//! problem with the form said in place.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::dialog;
use super::text;
use crate::config::{Theme, theme::Role};
use crate::state::silence_form::{Field, PRESETS, SilenceForm};

pub fn draw(f: &mut Frame, area: Rect, form: &SilenceForm, theme: &Theme) {
    let (block, rect) = dialog::frame(area, f, (76, 14), " Silence ".into(), Role::Warn, theme);
    let inner_w = rect.width.saturating_sub(2) as usize;
    let label = |field: Field| {
        let focused = form.field == field;
        let style = if focused { theme.style(Role::Selection) } else { theme.style(Role::Muted) };
        Span::styled(format!("{:>11} ", field.label()), style)
    };
    let value_w = inner_w.saturating_sub(13);
    // The cursor sits at the end of the focused text; show the end when it is long.
    let edit = |field: Field, value: &str| {
        let shown = text::clean(value);
        let tail: String = if form.field == field && shown.chars().count() + 1 > value_w {
            let skip = shown.chars().count() + 1 - value_w;
            shown.chars().skip(skip).collect()
        } else {
            text::fit(&shown, value_w)
        };
        let mut spans = vec![label(field), Span::styled(tail, theme.style(Role::Text))];
        if form.field == field {
            spans.push(Span::styled("▏", theme.style(Role::Accent)));
        }
        Line::from(spans)
    };
    let mut duration = vec![label(Field::Duration)];
    for (i, (name, _)) in PRESETS.iter().enumerate() {
        let style = if form.preset == i { theme.style(Role::Selection) } else { theme.style(Role::Text) };
        duration.push(Span::styled(format!(" {name} "), style));
        duration.push(Span::raw(" "));
    }
    let custom_on = form.preset == PRESETS.len();
    let style = if custom_on { theme.style(Role::Selection) } else { theme.style(Role::Text) };
    let custom =
        if custom_on { format!(" custom: {}▏", text::clean(&form.custom)) } else { " custom ".into() };
    duration.push(Span::styled(custom, style));

    let mut lines = vec![
        dialog::action_line("Silence", &form.what, theme),
        Line::from(vec![
            Span::styled("in ", theme.style(Role::Muted)),
            Span::styled(text::clean(&form.source.to_string()).into_owned(), theme.style(Role::Accent)),
            Span::styled(" · context ", theme.style(Role::Muted)),
            Span::styled(text::clean(&form.context).into_owned(), theme.style(Role::Accent)),
        ]),
        Line::raw(""),
        edit(Field::Matchers, &form.matchers),
        Line::from(duration),
        edit(Field::Comment, &form.comment),
        edit(Field::CreatedBy, &form.created_by),
        Line::raw(""),
    ];
    match &form.error {
        Some(e) => {
            lines.push(Line::from(Span::styled(format!("✗ {}", text::clean(e)), theme.style(Role::Crit))))
        }
        None => lines.push(Line::raw("")),
    }
    lines.push(Line::from(vec![
        Span::styled(" Enter ", theme.style(Role::Selection)),
        Span::raw(" create   "),
        Span::styled(" Tab ", theme.style(Role::Selection)),
        Span::raw(" next field   "),
        Span::styled(" ←/→ ", theme.style(Role::Selection)),
        Span::raw(" duration   "),
        Span::styled(" Esc ", theme.style(Role::Selection)),
        Span::raw(" cancel"),
    ]));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}
