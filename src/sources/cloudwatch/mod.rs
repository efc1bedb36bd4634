//! CloudWatch as a source: alarms for the Alerts pane, metrics for the Infrastructure pane.
//!
//! aws-sdk-cloudwatch is pinned to 1.99.0 on purpose: from 1.100 the crate speaks only Smithy
//! rpc-v2-cbor, which moto (the AWS server the tests run against) does not serve, while 1.99.0
//! is the last release on the awsQuery protocol that both AWS and moto answer. It shares the
//! aws-smithy runtime with the current EKS and Cost Explorer crates. Move to a newer release
//! once moto serves rpc-v2-cbor for CloudWatch.

pub mod alarms;
pub mod metrics;
