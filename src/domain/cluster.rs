//! Which cluster a row, a source or an action belongs to: the kubeconfig context's name,
//! shared cheaply by the thousands of rows that carry it. Plain data.

use std::sync::Arc;

use serde::{Serialize, Serializer};

/// A cluster's name (its kubeconfig context). Empty until the store stamps a row with the
/// cluster of the source that delivered it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClusterId(Arc<str>);

impl ClusterId {
    pub fn new(name: &str) -> ClusterId {
        ClusterId(Arc::from(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for ClusterId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ClusterId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<&str> for ClusterId {
    fn from(s: &str) -> ClusterId {
        ClusterId::new(s)
    }
}

impl PartialEq<str> for ClusterId {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}
