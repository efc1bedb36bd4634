//! Actions against the cluster (filled in with the executor's Kube backend).
