//! Which cluster of the demo fleet a world simulates: shop-prod (the reference platform with
//! the cart incident) or shop-dev (the same platform, smaller, with a problem of its own).

use crate::domain::source::DemoFeed;
use crate::state::UnixMs;

use super::util::{DAY, HOUR, splitmix64};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// shop-prod: what `World::new` has always built.
    #[default]
    Prod,
    /// shop-dev: one replica of most services, Argo CD on `develop`, a bad image tag.
    Dev,
}

/// What prod publishes: everything, the AWS account's feeds included.
const PROD_FEEDS: &[DemoFeed] = &[
    DemoFeed::Alertmanager,
    DemoFeed::ArgoCd,
    DemoFeed::CloudWatch,
    DemoFeed::CostExplorer,
    DemoFeed::Eks,
    DemoFeed::Kubernetes,
];

/// Dev's own cluster only: the demo has one AWS account, and prod's world publishes it (its
/// EKS list already names shop-dev; a second bill would be summed into the first).
const DEV_FEEDS: &[DemoFeed] = &[DemoFeed::Alertmanager, DemoFeed::ArgoCd, DemoFeed::Kubernetes];

impl Profile {
    /// The cluster's name: its kubeconfig context, and the `cluster` label of dev's alerts.
    pub fn cluster(self) -> &'static str {
        match self {
            Profile::Prod => "shop-prod",
            Profile::Dev => "shop-dev",
        }
    }

    pub fn feeds(self) -> &'static [DemoFeed] {
        match self {
            Profile::Prod => PROD_FEEDS,
            Profile::Dev => DEV_FEEDS,
        }
    }

    pub fn publishes(self, feed: DemoFeed) -> bool {
        self.feeds().contains(&feed)
    }

    /// The world's own seed. Prod keeps the user's, so its world is what it always was; dev
    /// mixes its name in, so its names, UIDs and SHAs never repeat prod's for the same seed.
    pub(super) fn seed(self, seed: u64) -> u64 {
        match self {
            Profile::Prod => seed,
            Profile::Dev => splitmix64(seed ^ 0x7368_6f70_2d64_6576),
        }
    }

    /// Second octet of the cluster's VPC (10.x.0.0/16): node names and pod IPs come from it.
    pub(super) fn vpc_octet(self) -> u8 {
        match self {
            Profile::Prod => 0,
            Profile::Dev => 1,
        }
    }

    /// How old a node of the given capacity is at the epoch: dev's nodes are replaced by
    /// every AMI bump, so they are younger than prod's.
    pub(super) fn node_age(self, rng: &mut fastrand::Rng, spot: bool) -> UnixMs {
        match (self, spot) {
            (Profile::Prod, true) => rng.i64(20 * HOUR..4 * DAY),
            (Profile::Prod, false) => rng.i64(16 * DAY..17 * DAY),
            (Profile::Dev, true) => rng.i64(5 * HOUR..30 * HOUR),
            (Profile::Dev, false) => rng.i64(3 * DAY..4 * DAY),
        }
    }

    /// Dev's storefront sees developers and CI smoke tests: a tenth of prod's traffic.
    pub(super) fn traffic_scale(self) -> f64 {
        match self {
            Profile::Prod => 1.0,
            Profile::Dev => 0.1,
        }
    }
}
