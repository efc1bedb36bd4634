//! The silence form: what the user is editing before a silence is created. Pure state and
//! edits; the keys that drive it are in `input::form`, the drawing in `ui::silence_form`.

use crate::domain::SourceId;
use crate::domain::silence::Matcher;
use crate::domain::silence::{NewSilence, format_matchers, parse_matchers};

/// Duration presets offered first; the last choice is a custom duration.
pub const PRESETS: [(&str, i64); 3] = [("1h", 3_600_000), ("4h", 4 * 3_600_000), ("24h", 24 * 3_600_000)];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Matchers,
    Duration,
    Comment,
    CreatedBy,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Matchers, Field::Duration, Field::Comment, Field::CreatedBy];
    pub fn label(self) -> &'static str {
        match self {
            Field::Matchers => "Matchers",
            Field::Duration => "Duration",
            Field::Comment => "Comment",
            Field::CreatedBy => "Created by",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilenceForm {
    /// Where the silence is created, e.g. `alertmanager/prod`.
    pub source: SourceId,
    /// What is being silenced, for the title ("alert HighErrorRate", "3 × KubePodCrashLooping").
    pub what: String,
    pub context: String,
    pub matchers: String,
    /// Index into PRESETS, or PRESETS.len() for the custom duration.
    pub preset: usize,
    pub custom: String,
    pub comment: String,
    pub created_by: String,
    pub field: Field,
    pub error: Option<String>,
}

impl SilenceForm {
    pub fn new(
        source: &SourceId,
        what: String,
        context: String,
        matchers: &[Matcher],
        created_by: &str,
    ) -> Self {
        SilenceForm {
            source: source.clone(),
            what,
            context,
            matchers: format_matchers(matchers),
            preset: 0,
            custom: String::new(),
            comment: String::new(),
            created_by: created_by.to_string(),
            // The comment is the one thing that must be typed; start there.
            field: Field::Comment,
            error: None,
        }
    }

    /// The text of the field being edited (the duration only when custom).
    pub fn text_mut(&mut self) -> Option<&mut String> {
        match self.field {
            Field::Matchers => Some(&mut self.matchers),
            Field::Duration if self.preset == PRESETS.len() => Some(&mut self.custom),
            Field::Duration => None,
            Field::Comment => Some(&mut self.comment),
            Field::CreatedBy => Some(&mut self.created_by),
        }
    }

    pub fn next_field(&mut self, forward: bool) {
        let i = Field::ALL.iter().position(|f| *f == self.field).unwrap_or(0);
        let n = Field::ALL.len();
        self.field = Field::ALL[if forward { (i + 1) % n } else { (i + n - 1) % n }];
    }

    /// Move between 1h, 4h, 24h and custom.
    pub fn cycle_preset(&mut self, forward: bool) {
        let n = PRESETS.len() + 1;
        self.preset = if forward { (self.preset + 1) % n } else { (self.preset + n - 1) % n };
    }

    pub fn duration_ms(&self) -> Result<i64, String> {
        if let Some((_, ms)) = PRESETS.get(self.preset) {
            return Ok(*ms);
        }
        let d = humantime::parse_duration(self.custom.trim())
            .map_err(|e| format!("duration `{}`: {e} (e.g. 90m, 2h, 3d)", self.custom.trim()))?;
        if d.as_secs() < 60 {
            return Err("duration: at least one minute".into());
        }
        Ok(d.as_millis() as i64)
    }

    /// Check every field; the silence to create, or what is wrong (and that field focused).
    pub fn submit(&mut self) -> Option<NewSilence> {
        let checked = (|| {
            let matchers = parse_matchers(&self.matchers).map_err(|e| (Field::Matchers, e))?;
            let duration_ms = self.duration_ms().map_err(|e| (Field::Duration, e))?;
            if self.comment.trim().is_empty() {
                return Err((
                    Field::Comment,
                    "a comment is required: say why, for whoever is paged next".into(),
                ));
            }
            if self.created_by.trim().is_empty() {
                return Err((Field::CreatedBy, "created by: a name is required".into()));
            }
            Ok(NewSilence {
                source: self.source.clone(),
                matchers,
                duration_ms,
                comment: self.comment.trim().to_string(),
                created_by: self.created_by.trim().to_string(),
            })
        })();
        match checked {
            Ok(n) => Some(n),
            Err((field, e)) => {
                self.field = field;
                self.error = Some(e);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SilenceForm {
        SilenceForm::new(
            &crate::domain::SourceId::alertmanager("prod"),
            "alert HighErrorRate".into(),
            "shop-prod".into(),
            &[Matcher::equal("alertname", "HighErrorRate"), Matcher::equal("namespace", "storefront")],
            "alice",
        )
    }

    #[test]
    fn a_comment_is_required_and_focused_when_missing() {
        let mut f = form();
        f.field = Field::Matchers;
        assert_eq!(f.submit(), None);
        assert_eq!(f.field, Field::Comment);
        assert!(f.error.as_deref().unwrap().contains("comment is required"));
        f.comment = "deploying the fix".into();
        let n = f.submit().unwrap();
        assert_eq!(n.duration_ms, 3_600_000);
        assert_eq!(n.matchers.len(), 2);
        assert_eq!(n.created_by, "alice");
    }

    #[test]
    fn presets_cycle_to_a_custom_duration_that_is_checked() {
        let mut f = form();
        f.comment = "x".into();
        f.cycle_preset(true);
        assert_eq!(f.duration_ms(), Ok(4 * 3_600_000));
        f.cycle_preset(false);
        f.cycle_preset(false);
        assert_eq!(f.preset, PRESETS.len());
        f.custom = "soon".into();
        assert_eq!(f.submit(), None);
        assert_eq!(f.field, Field::Duration);
        f.custom = "90m".into();
        assert_eq!(f.submit().unwrap().duration_ms, 90 * 60_000);
    }

    #[test]
    fn edited_matchers_are_parsed() {
        let mut f = form();
        f.comment = "x".into();
        f.matchers = "alertname=\"HighErrorRate\", service=~\"cart|order\"".into();
        let n = f.submit().unwrap();
        assert!(n.matchers[1].is_regex);
        f.matchers = "service=".into();
        assert_eq!(f.submit(), None);
        assert_eq!(f.field, Field::Matchers);
    }
}
