//! Alertmanager's label matchers (parsed and written as amtool does) and a silence to create:
//! the words the silence form, the store and the Alertmanager client share.

use std::collections::BTreeMap;

use serde::Serialize;

/// One label matcher, as Alertmanager's API v2 spells it (`isRegex`, `isEqual`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    pub is_equal: bool,
}

impl Matcher {
    pub fn equal(name: impl Into<String>, value: impl Into<String>) -> Matcher {
        Matcher { name: name.into(), value: value.into(), is_regex: false, is_equal: true }
    }

    pub fn operator(&self) -> &'static str {
        match (self.is_equal, self.is_regex) {
            (true, false) => "=",
            (false, false) => "!=",
            (true, true) => "=~",
            (false, true) => "!~",
        }
    }

    /// Whether a label set satisfies the matcher. Regexes are anchored, as in Alertmanager; a
    /// label that is absent matches as the empty string.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let v = labels.get(&self.name).map_or("", String::as_str);
        let hit = if self.is_regex {
            regex::Regex::new(&format!("^(?:{})$", self.value)).is_ok_and(|re| re.is_match(v))
        } else {
            v == self.value
        };
        hit == self.is_equal
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}{:?}", self.name, self.operator(), self.value)
    }
}

/// Parse matchers as amtool and the Alertmanager UI write them: `name="value"`, `name=~"re"`,
/// `name!=value`, separated by commas or spaces, optionally inside `{ }`.
pub fn parse_matchers(text: &str) -> Result<Vec<Matcher>, String> {
    let s = text.trim().trim_start_matches('{').trim_end_matches('}');
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches([',', ' ']);
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .ok_or_else(|| format!("`{rest}`: expected name=\"value\""))?;
        let name = &rest[..name_end];
        if name.is_empty() {
            return Err(format!("`{rest}`: expected a label name"));
        }
        let after = &rest[name_end..];
        let (is_equal, is_regex, after) = if let Some(a) = after.strip_prefix("=~") {
            (true, true, a)
        } else if let Some(a) = after.strip_prefix("!~") {
            (false, true, a)
        } else if let Some(a) = after.strip_prefix("!=") {
            (false, false, a)
        } else if let Some(a) = after.strip_prefix('=') {
            (true, false, a)
        } else {
            return Err(format!("`{name}`: expected =, !=, =~ or !~ after the label name"));
        };
        let (value, after) = if let Some(q) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => value.push(c),
                }
            }
            let end = end.ok_or_else(|| format!("`{name}`: the value's closing quote is missing"))?;
            (value, &q[end..])
        } else {
            let end = after.find([',', ' ']).unwrap_or(after.len());
            (after[..end].to_string(), &after[end..])
        };
        if is_regex && let Err(e) = regex::Regex::new(&value) {
            return Err(format!("`{name}`: invalid regex: {e}"));
        }
        out.push(Matcher { name: name.to_string(), value, is_regex, is_equal });
        rest = after.trim_start_matches([',', ' ']);
    }
    if out.is_empty() {
        return Err("at least one matcher is needed".into());
    }
    if out.iter().all(|m| m.matches(&BTreeMap::new())) {
        // Alertmanager refuses these: they would silence every alert.
        return Err("the matchers would match every alert (one must need a non-empty value)".into());
    }
    Ok(out)
}

pub fn format_matchers(ms: &[Matcher]) -> String {
    ms.iter().map(Matcher::to_string).collect::<Vec<_>>().join(", ")
}

/// A silence to create: what the silence form hands to the executor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSilence {
    /// The source to create it in, e.g. `alertmanager/prod`.
    pub source: super::SourceId,
    pub matchers: Vec<Matcher>,
    pub duration_ms: i64,
    pub comment: String,
    pub created_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn parses_the_forms_amtool_accepts() {
        let ms = parse_matchers(r#"{alertname="High\"Rate", namespace=~"shop|cart" pod!=x}"#).unwrap();
        assert_eq!(ms.len(), 3);
        assert_eq!(ms[0], Matcher::equal("alertname", "High\"Rate"));
        assert_eq!((ms[1].is_regex, ms[1].is_equal, ms[1].value.as_str()), (true, true, "shop|cart"));
        assert_eq!((ms[2].is_regex, ms[2].is_equal, ms[2].value.as_str()), (false, false, "x"));
        assert_eq!(parse_matchers(&format_matchers(&ms)).unwrap(), ms);
    }

    #[test]
    fn refuses_what_alertmanager_refuses() {
        assert!(parse_matchers("").unwrap_err().contains("at least one"));
        assert!(parse_matchers("a!=\"\"").is_err() || parse_matchers("a=\"\"").is_err());
        assert!(parse_matchers("a=\"\"").unwrap_err().contains("every alert"));
        assert!(parse_matchers("a=~\"(\"").unwrap_err().contains("invalid regex"));
        assert!(parse_matchers("a \"b\"").unwrap_err().contains("expected ="));
        assert!(parse_matchers("a=\"b").unwrap_err().contains("closing quote"));
    }

    #[test]
    fn regex_matchers_are_anchored_and_absent_labels_are_empty() {
        let l = labels(&[("namespace", "storefront")]);
        assert!(!Matcher { is_regex: true, ..Matcher::equal("namespace", "store") }.matches(&l));
        assert!(Matcher { is_regex: true, ..Matcher::equal("namespace", "store.*") }.matches(&l));
        assert!(Matcher { is_equal: false, ..Matcher::equal("pod", "x") }.matches(&l));
        assert!(!Matcher::equal("pod", "x").matches(&l));
    }
}
