//! The store fed from a source channel, as the app loop feeds it, for tests that wait on it.

use std::time::Duration;

use flightdeck::sources::Receiver;
use flightdeck::state::{State, update};

/// Apply messages from `rx` until `cond` holds. After `wait`, fail naming `what` and whatever
/// `context` says of the store, so a timeout explains itself.
pub async fn until(
    state: &mut State,
    rx: &mut Receiver,
    wait: Duration,
    what: &str,
    cond: impl Fn(&State) -> bool,
    context: impl Fn(&State) -> String,
) {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        state.finish_batch();
        if cond(state) {
            return;
        }
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(m)) => {
                update(state, m);
            }
            _ => panic!("timed out waiting for {what}; {}", context(state)),
        }
    }
}

/// Run an action through the executor as a confirmed key would, and wait for its result.
pub async fn act(
    executor: &flightdeck::app::executor::Executor,
    results: &mut tokio::sync::mpsc::Receiver<flightdeck::state::Message>,
    wait: Duration,
    action: flightdeck::domain::registry::ActionId,
    target: flightdeck::domain::Target,
) -> Result<String, String> {
    executor.run(action, target, "shop-prod".into());
    let msg = tokio::time::timeout(wait, results.recv()).await.unwrap().unwrap();
    let flightdeck::state::Message::ActionDone { outcome, .. } = msg else { panic!("{msg:?}") };
    outcome.result
}
