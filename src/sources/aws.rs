//! AWS access shared by the CloudWatch, EKS and Cost Explorer sources: the default credential
//! chain narrowed by `[aws]`, and SDK errors turned into one readable line.

use aws_config::{BehaviorVersion, Region, SdkConfig};

use crate::config::sources::AwsConfig;

pub async fn load(cfg: &AwsConfig) -> SdkConfig {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).http_client(super::tls::aws_https_client());
    if let Some(p) = &cfg.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &cfg.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(e) = &cfg.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    loader.load().await
}

/// The SDK's error with its causes, on one line: the pane shows this, so it must say what went
/// wrong ("ExpiredToken: …", "dispatch failure: … Connection refused") rather than a type name.
pub fn describe<E: std::error::Error>(e: &E) -> String {
    let mut out = String::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cur {
        let s = c.to_string();
        if !out.contains(&s) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&s);
        }
        cur = c.source();
    }
    out.replace('\n', " ")
}
