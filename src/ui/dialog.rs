//! The confirmation dialog: names the action, the target and the context, and says what the
//! keys are. Destructive actions are drawn in the crit role.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::text;
use crate::config::{Theme, theme::Role};
use crate::state::view::{Pending, ValuePrompt};

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(v);
    h
}

/// A dialog in the middle of the area: cleared, double border and title in `role`. Returns the
/// block to draw the dialog's lines in, and where.
pub fn frame(
    area: Rect,
    f: &mut Frame,
    size: (u16, u16),
    title: String,
    role: Role,
    theme: &Theme,
) -> (Block<'static>, Rect) {
    let rect = centered(area, size.0, size.1);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.style(role))
        .title(Span::styled(title, theme.style(role)));
    (block, rect)
}

/// The size a dialog needs for `lines`: at least `min` wide, wide enough that no line is cut
/// where the screen allows it, and tall enough for the lines a narrow screen makes wrap.
pub fn size_for(lines: &[Line], min: (u16, u16), area: Rect) -> (u16, u16) {
    let longest = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 2;
    let width = longest.max(min.0).min(area.width);
    let inner = width.saturating_sub(2).max(1) as usize;
    let wrapped: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    (width, (wrapped as u16 + 2).max(min.1))
}

/// "Title target": the first line of every dialog about an action. A target named by the
/// title's own last word is not named twice ("Delete pod storefront/x", not "Delete pod pod …").
pub fn action_line(title: &str, target: &str, theme: &Theme) -> Line<'static> {
    let kind = title.rsplit(' ').next().unwrap_or_default().to_lowercase();
    let target = match target.split_once(' ') {
        Some((first, rest)) if title.contains(' ') && first.to_lowercase() == kind => rest,
        _ => target,
    };
    Line::from(vec![
        Span::styled(format!("{title} "), theme.style(Role::Title)),
        Span::styled(text::clean(target).into_owned(), theme.style(Role::Accent)),
    ])
}

pub fn confirm(f: &mut Frame, area: Rect, p: &Pending, theme: &Theme) {
    confirm_in(f, area, p, theme, false, Vec::new());
}

/// The confirmation; in a production context it says so in the production colours. `plan`:
/// what a sync would do, shown above its options.
pub fn confirm_in(
    f: &mut Frame,
    area: Rect,
    p: &Pending,
    theme: &Theme,
    production: bool,
    plan: Vec<Line<'static>>,
) {
    let role = if p.destructive { Role::Crit } else { Role::Warn };
    let role = if production { Role::Production } else { role };
    let prod = if production { " — PRODUCTION" } else { "" };
    let options = sync_options(p, theme);
    let mut lines = vec![
        action_line(p.title(), &p.target.describe(), theme),
        Line::from(vec![
            Span::styled("in context ", theme.style(Role::Muted)),
            Span::styled(text::clean(&p.context).into_owned(), theme.style(Role::Accent)),
            Span::styled(if production { " (production)" } else { "" }, theme.style(Role::Crit)),
            Span::styled(
                p.target.namespace().map(|n| format!(", namespace {}", text::clean(n))).unwrap_or_default(),
                theme.style(Role::Muted),
            ),
        ]),
        Line::raw(""),
    ];
    if !plan.is_empty() {
        lines.extend(plan);
        lines.push(Line::raw(""));
    }
    if let Some(options) = options {
        lines.push(options);
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(vec![
        Span::styled(" y ", theme.style(Role::Selection)),
        Span::raw(" yes   "),
        Span::styled(" n ", theme.style(Role::Selection)),
        Span::raw(" no (Esc)"),
    ]));
    let size = size_for(&lines, (64, 8), area);
    let (block, rect) = frame(area, f, size, format!(" {}?{prod} ", p.title()), role, theme);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}

/// A sync's options as toggles: "[x] p prune   [ ] d dry run".
fn sync_options(p: &Pending, theme: &Theme) -> Option<Line<'static>> {
    let crate::domain::Target::AppSync { prune, dry_run, .. } = &p.target else { return None };
    let mark = |on: bool| if on { "[x]" } else { "[ ]" };
    let role = |on: bool| theme.style(if on { Role::Accent } else { Role::Muted });
    Some(Line::from(vec![
        Span::styled(format!("{} ", mark(*prune)), role(*prune)),
        Span::styled(" p ", theme.style(Role::Selection)),
        Span::raw(" prune    "),
        Span::styled(format!("{} ", mark(*dry_run)), role(*dry_run)),
        Span::styled(" d ", theme.style(Role::Selection)),
        Span::raw(" dry run"),
    ]))
}

/// Asking for a value: what is asked, of which target in which context, the text with a cursor,
/// and the reason the last Enter was refused.
pub fn value(f: &mut Frame, area: Rect, p: &ValuePrompt, theme: &Theme) {
    let (block, rect) = frame(area, f, (64, 9), format!(" {} ", p.title()), Role::Warn, theme);
    let lines = vec![
        action_line(p.title(), &p.target.describe(), theme),
        Line::from(vec![
            Span::styled("in context ", theme.style(Role::Muted)),
            Span::styled(text::clean(&p.context).into_owned(), theme.style(Role::Accent)),
        ]),
        Line::raw(""),
        Line::from(vec![
            Span::styled(format!("{}: ", p.hint), theme.style(Role::Muted)),
            Span::styled(format!("{}▏", p.text), theme.style(Role::Title)),
        ]),
        match &p.error {
            Some(e) => Line::from(Span::styled(e.clone(), theme.style(Role::Crit))),
            None => Line::raw(""),
        },
        Line::from(vec![
            Span::styled(" Enter ", theme.style(Role::Selection)),
            Span::raw(" next   "),
            Span::styled(" Esc ", theme.style(Role::Selection)),
            Span::raw(" cancel"),
        ]),
    ];
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}
