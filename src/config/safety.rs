//! Safety settings: which contexts are production (by name pattern) and per-context overrides
//! (read-only, theme). Decides nothing about keys; the store gets the two flags at start.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SafetyConfig {
    /// Context name patterns (`*` matches anything) that are production.
    pub production: Vec<String>,
}

impl Default for SafetyConfig {
    fn default() -> Self {
        SafetyConfig { production: vec!["*prod*".into()] }
    }
}

/// Settings for one Kubernetes context, under `[contexts."NAME"]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ContextConfig {
    /// Hide and refuse every action that changes the platform in this context.
    pub readonly: bool,
    /// The theme for this context (a production context in its own colours, as k9s skins).
    pub theme: Option<String>,
}

/// What the console needs of the safety config once the context is known.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Safety {
    pub production: Vec<String>,
    pub contexts: BTreeMap<String, ContextConfig>,
}

impl Safety {
    pub fn is_production(&self, context: &str) -> bool {
        self.production.iter().any(|p| glob(p, context))
    }

    pub fn readonly(&self, context: &str) -> bool {
        self.contexts.get(context).is_some_and(|c| c.readonly)
    }

    pub fn theme(&self, context: &str) -> Option<&str> {
        self.contexts.get(context).and_then(|c| c.theme.as_deref())
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_with_stars() {
        assert!(glob("*prod*", "shop-prod"));
        assert!(glob("*prod*", "prod"));
        assert!(glob("arn:*:cluster/prod-*", "arn:aws:eks:us-east-1:1:cluster/prod-eu"));
        assert!(!glob("*prod*", "shop-dev"));
        assert!(glob("shop-dev", "shop-dev"));
        assert!(!glob("a*b*c", "acb"));
    }

    #[test]
    fn per_context_overrides() {
        let mut s = Safety { production: SafetyConfig::default().production, ..Safety::default() };
        s.contexts.insert("shop-dev".into(), ContextConfig { readonly: true, theme: Some("light".into()) });
        assert!(s.is_production("shop-prod") && !s.is_production("shop-dev"));
        assert!(s.readonly("shop-dev") && !s.readonly("shop-prod"));
        assert_eq!(s.theme("shop-dev"), Some("light"));
    }
}
