//! One shared copy of the strings thousands of pods repeat (namespaces, nodes, owners): a pod
//! row points at them instead of holding its own. Strings no row holds any more are let go
//! when the set has doubled since it was last pruned, so a long run of rollouts (each a new
//! ReplicaSet name) does not grow it.

use std::collections::HashSet;

use arcstr::ArcStr;

const FIRST_PRUNE: usize = 1024;

#[derive(Debug)]
pub struct Interner {
    set: HashSet<ArcStr>,
    prune_at: usize,
}

impl Default for Interner {
    fn default() -> Self {
        Interner { set: HashSet::new(), prune_at: FIRST_PRUNE }
    }
}

impl Interner {
    /// The shared copy of `s`.
    pub fn get(&mut self, s: &str) -> ArcStr {
        if let Some(a) = self.set.get(s) {
            return a.clone();
        }
        if self.set.len() >= self.prune_at {
            self.prune();
        }
        let a = ArcStr::from(s);
        self.set.insert(a.clone());
        a
    }

    /// Drop the strings only the set still holds.
    fn prune(&mut self) {
        self.set.retain(|a| ArcStr::strong_count(a) != Some(1));
        self.prune_at = (self.set.len() * 2).max(FIRST_PRUNE);
    }

    pub fn len(&self) -> usize {
        self.set.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_one_copy_and_lets_go_of_unused_ones() {
        let mut i = Interner::default();
        let a = i.get("storefront");
        let b = i.get("storefront");
        assert!(ArcStr::ptr_eq(&a, &b));
        // A thousand rollouts' ReplicaSets, each held by nothing once its pods are gone.
        for n in 0..5_000 {
            i.get(&format!("cart-{n}"));
        }
        assert!(i.len() <= 2 * FIRST_PRUNE, "{}", i.len());
        // A string still held survives every prune.
        assert!(ArcStr::ptr_eq(&a, &i.get("storefront")));
    }
}
