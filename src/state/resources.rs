//! The `:KIND` lists: the kinds discovery found (what the palette completes and resolves), and
//! the one list open, in the server's own columns and rows, kept live by its stream's messages.
//! Plain data changed by `apply`; must not know how the rows were fetched.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::ApiKind;
use crate::state::UnixMs;

/// A kind discovery found, with the names a user may type for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindEntry {
    pub kind: ApiKind,
    pub singular: String,
    pub short: Vec<String>,
    /// The verbs the server allows, as discovery lists them.
    pub verbs: Vec<String>,
}

impl KindEntry {
    pub fn can(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }
}

/// What discovery found, and whether it has answered yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub kinds: Vec<KindEntry>,
    pub loaded: bool,
    pub error: Option<String>,
}

impl Catalog {
    /// The kind a typed word names, as kubectl resolves it: plural, singular, short name, kind,
    /// or any of those with its group (`deployments.apps`, `certificate.cert-manager.io`).
    /// Among groups serving the same name, the core and built-in groups win, as in kubectl.
    pub fn resolve(&self, word: &str) -> Option<&KindEntry> {
        let w = word.to_ascii_lowercase();
        let (name, group) = match w.split_once('.') {
            Some((n, g)) => (n.to_string(), Some(g.to_string())),
            None => (w.clone(), None),
        };
        let hits = |e: &&KindEntry| {
            let names = [&e.kind.plural, &e.singular, &e.kind.kind.to_ascii_lowercase()];
            let named = names.iter().any(|n| **n == name) || e.short.contains(&name);
            named
                && group
                    .as_ref()
                    .is_none_or(|g| e.kind.group == *g || e.kind.group.starts_with(&format!("{g}.")))
        };
        let mut found: Vec<&KindEntry> = self.kinds.iter().filter(hits).collect();
        // metrics.k8s.io also serves `pods` and `nodes`: the real ones come first.
        found.sort_by_key(|e| {
            (
                e.kind.group.contains('.') && !e.kind.group.ends_with(".k8s.io"),
                e.kind.group == "metrics.k8s.io",
            )
        });
        found.into_iter().find(|e| e.can("list"))
    }

    /// The kind of an object named by apiVersion and kind (an owner reference).
    pub fn by_kind(&self, api_version: &str, kind: &str) -> Option<&ApiKind> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let same = |k: &&KindEntry| k.kind.kind == kind && k.kind.group == group;
        let exact = self.kinds.iter().find(|k| same(k) && k.kind.version == version);
        exact.or_else(|| self.kinds.iter().find(same)).map(|k| &k.kind)
    }

    /// The names to complete `:` with: each listable kind's plural and short names.
    pub fn names(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for e in self.kinds.iter().filter(|e| e.can("list") && e.kind.group != "metrics.k8s.io") {
            let what = if e.kind.group.is_empty() {
                e.kind.kind.clone()
            } else {
                format!("{} ({})", e.kind.kind, e.kind.group)
            };
            for n in std::iter::once(&e.kind.plural).chain(e.short.iter()) {
                if !out.iter().any(|(x, _)| x == n) {
                    out.push((n.clone(), what.clone()));
                }
            }
        }
        out
    }
}

/// How a column's cells compare when sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Integer,
    Number,
    /// A date; rows sort by their creation time.
    Date,
    Boolean,
}

/// A column as the server defines it (`columnDefinitions`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnType,
    /// 0 is shown by `kubectl get`; more only by `-o wide` (shown here when there is room).
    pub priority: i64,
}

/// (namespace, name): a row's identity in its list.
pub type RowId = (String, String);

/// One object's row: its cells as text, ready to show (cleaned by the source).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    pub namespace: Option<String>,
    pub name: String,
    pub cells: Vec<String>,
    pub created: Option<UnixMs>,
}

impl TableRow {
    pub fn id(&self) -> RowId {
        (self.namespace.clone().unwrap_or_default(), self.name.clone())
    }
}

/// How the open list's stream is doing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ListState {
    #[default]
    Listing,
    Live,
    /// The API's own message; the rows stay as they were, and the stream retries.
    Failed(String),
}

/// The open `:KIND` list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceList {
    pub columns: Vec<Column>,
    pub rows: BTreeMap<RowId, TableRow>,
    pub state: ListState,
    /// The rows a (re)list has delivered so far: the others go when it completes.
    relisting: Option<BTreeSet<RowId>>,
}

/// A message from the open list's stream.
#[derive(Clone, Debug)]
pub enum TableUpdate {
    /// The server's columns (from the list, or a watch event that carries them).
    Columns(Vec<Column>),
    /// A page of a (re)list; `first` starts it.
    Page {
        rows: Vec<TableRow>,
        first: bool,
    },
    /// The (re)list is complete: rows it did not deliver are gone.
    Listed,
    Upsert(TableRow),
    Delete(RowId),
    Healthy,
    Failed(String),
}

impl ResourceList {
    /// Apply a stream's message. Returns whether anything changed.
    pub fn apply(&mut self, u: TableUpdate) -> bool {
        match u {
            TableUpdate::Columns(c) => {
                if self.columns == c {
                    return false;
                }
                self.columns = c;
            }
            TableUpdate::Page { rows, first } => {
                if first {
                    self.relisting = Some(BTreeSet::new());
                }
                for r in rows {
                    if let Some(seen) = &mut self.relisting {
                        seen.insert(r.id());
                    }
                    self.rows.insert(r.id(), r);
                }
            }
            TableUpdate::Listed => {
                if let Some(seen) = self.relisting.take() {
                    self.rows.retain(|id, _| seen.contains(id));
                }
                self.state = ListState::Live;
            }
            TableUpdate::Upsert(r) => {
                self.rows.insert(r.id(), r);
            }
            TableUpdate::Delete(id) => {
                self.rows.remove(&id);
            }
            TableUpdate::Healthy => {
                if self.state == ListState::Live {
                    return false;
                }
                self.state = if self.relisting.is_some() { ListState::Listing } else { ListState::Live };
            }
            TableUpdate::Failed(e) => self.state = ListState::Failed(e),
        }
        true
    }

    /// The value sorting uses for a column of a row: numbers as numbers, dates by creation.
    pub fn sort_key(&self, row: &TableRow, col: usize) -> SortKey {
        let cell = row.cells.get(col).map_or("", String::as_str);
        match self.columns.get(col).map(|c| c.kind) {
            Some(ColumnType::Integer | ColumnType::Number) => SortKey::Number(
                cell.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(f64::MIN),
            ),
            Some(ColumnType::Date) => SortKey::Time(row.created.unwrap_or(0)),
            _ if self.columns.get(col).is_some_and(|c| c.name.eq_ignore_ascii_case("age")) => {
                // Newest first reads best; the server's AGE is text, so sort by the creation time.
                SortKey::Time(-row.created.unwrap_or(0))
            }
            _ => SortKey::Text(cell.to_lowercase()),
        }
    }
}

/// A comparable cell.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
pub enum SortKey {
    Number(f64),
    Time(i64),
    Text(String),
}

/// The letter that sorts by each column: the first letter of its name not taken by an earlier
/// column (`NAME` n, `READY` r, `AGE` a…), so `O` then the letter works as in the panes.
pub fn sort_letters(columns: &[Column]) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        let free = c
            .name
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphabetic)
            .find(|l| !out.iter().any(|(x, _)| x == l));
        if let Some(l) = free {
            out.push((l, i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(group: &str, kind: &str, plural: &str, short: &[&str]) -> KindEntry {
        KindEntry {
            kind: ApiKind::new(group, "v1", kind, plural, true),
            singular: kind.to_lowercase(),
            short: short.iter().map(|s| s.to_string()).collect(),
            verbs: vec!["list".into(), "watch".into(), "get".into()],
        }
    }

    #[test]
    fn kinds_resolve_by_any_of_their_names() {
        let c = Catalog {
            kinds: vec![
                entry("", "Service", "services", &["svc"]),
                entry("metrics.k8s.io", "PodMetrics", "pods", &[]),
                entry("", "Pod", "pods", &["po"]),
                entry("cert-manager.io", "Certificate", "certificates", &["cert", "certs"]),
            ],
            loaded: true,
            error: None,
        };
        for w in ["svc", "services", "service", "Service"] {
            assert_eq!(c.resolve(w).unwrap().kind.plural, "services", "{w}");
        }
        assert_eq!(c.resolve("pods").unwrap().kind.group, "", "the core pods, not metrics'");
        assert_eq!(c.resolve("certificates.cert-manager.io").unwrap().kind.kind, "Certificate");
        assert_eq!(c.resolve("cert.cert-manager").unwrap().kind.kind, "Certificate");
        assert!(c.resolve("nope").is_none());
        assert_eq!(c.by_kind("cert-manager.io/v1", "Certificate").unwrap().plural, "certificates");
    }

    #[test]
    fn a_relist_keeps_rows_until_it_completes_then_drops_the_missing() {
        let row = |n: &str| TableRow {
            namespace: Some("ns".into()),
            name: n.into(),
            cells: vec![n.into()],
            created: None,
        };
        let mut l = ResourceList::default();
        l.apply(TableUpdate::Page { rows: vec![row("a"), row("b")], first: true });
        l.apply(TableUpdate::Listed);
        l.apply(TableUpdate::Failed("gone".into()));
        l.apply(TableUpdate::Page { rows: vec![row("b")], first: true });
        assert_eq!(l.rows.len(), 2, "kept while relisting");
        l.apply(TableUpdate::Listed);
        assert_eq!(l.rows.keys().map(|k| k.1.as_str()).collect::<Vec<_>>(), ["b"]);
        assert_eq!(l.state, ListState::Live);
    }

    #[test]
    fn each_column_gets_a_letter() {
        let col = |n: &str| Column { name: n.into(), kind: ColumnType::Text, priority: 0 };
        let cols = [col("Name"), col("Ready"), col("Restarts"), col("Age"), col("Status")];
        assert_eq!(sort_letters(&cols), [('n', 0), ('r', 1), ('e', 2), ('a', 3), ('s', 4)]);
    }
}
