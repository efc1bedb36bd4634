//! How often source data is drawn. A busy cluster's changes arrive one message at a time (200
//! pod changes a second are 200 wake-ups), and drawing the screen for each was most of the
//! console's CPU under churn. Data is drawn at most every [`DATA_FRAME`], a little later
//! rather than dropped; a key, a click, a resize or an action's result is drawn at once.

use std::time::Duration;

use tokio::time::Instant;

pub const DATA_FRAME: Duration = Duration::from_millis(33);

pub struct Pace {
    last: Instant,
    /// A frame owed for data that came too soon after the last one.
    owed: Option<Instant>,
}

impl Pace {
    pub fn new() -> Pace {
        Pace { last: Instant::now(), owed: None }
    }

    /// Data changed: true when it may be drawn now, else a frame is owed.
    pub fn data_changed(&mut self) -> bool {
        if self.last.elapsed() >= DATA_FRAME {
            return true;
        }
        self.owed.get_or_insert(self.last + DATA_FRAME);
        false
    }

    pub fn drawn(&mut self) {
        self.last = Instant::now();
        self.owed = None;
    }

    /// When the owed frame is due; never while none is owed.
    pub async fn due(&self) {
        match self.owed {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn data_soon_after_a_frame_waits_for_the_next() {
        let mut p = Pace::new();
        p.drawn();
        assert!(!p.data_changed(), "too soon: a frame is owed");
        let owed = p.owed;
        assert!(!p.data_changed(), "still the one frame owed, not another");
        assert_eq!(p.owed, owed);
        tokio::time::timeout(Duration::from_secs(5), p.due()).await.expect("the owed frame comes due");
        assert!(Instant::now() >= owed.unwrap(), "not before it is due");
        p.drawn();
        tokio::time::sleep(DATA_FRAME).await;
        assert!(p.data_changed(), "a frame later, drawn at once");
    }
}
