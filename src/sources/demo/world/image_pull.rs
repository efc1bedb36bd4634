//! Image pulls that fail: the registry's missing tag, and the kubelet's ErrImagePull then
//! ImagePullBackOff cycle with its doubling back-off and the events `kubectl describe` shows.

use super::World;
use super::util::SEC;
use super::workloads::{Stage, backoff_ms, pull_error};

impl World {
    /// Whether `image`'s tag is missing from the registry, so no pull of it can succeed.
    pub(super) fn image_missing(&self, image: &str) -> bool {
        self.bad_tag.as_ref().is_some_and(|b| b.image == image)
    }

    /// Pod `i` tries to pull its image and fails: ErrImagePull until the kubelet's next sync.
    pub(super) fn pull_failed(&mut self, i: usize) {
        let now = self.now;
        let p = &mut self.pods[i];
        p.pull_failures += 1;
        p.stage = Stage::PullFailed;
        p.until = now + self.rng.i64(SEC..3 * SEC);
        let image = p.image.clone();
        let obj = self.pod_object(i);
        self.event(false, "Pulling", obj.clone(), format!("Pulling image \"{image}\""));
        let failed = format!("Failed to pull image \"{image}\": {}", pull_error(&image));
        self.event(true, "Failed", obj.clone(), failed);
        self.event(true, "Failed", obj, "Error: ErrImagePull".into());
    }

    /// Pod `i` waits before its next pull, as long as a crash loop waits before a restart.
    pub(super) fn pull_back_off(&mut self, i: usize) {
        let now = self.now;
        let p = &mut self.pods[i];
        p.stage = Stage::PullBackOff;
        p.until = now + backoff_ms(p.pull_failures);
        let image = p.image.clone();
        let obj = self.pod_object(i);
        self.event(false, "BackOff", obj.clone(), format!("Back-off pulling image \"{image}\""));
        self.event(true, "Failed", obj, "Error: ImagePullBackOff".into());
    }
}
