//! One collection kept in step with the API server, for every Kubernetes watch: list it, then
//! watch from the list's version, and decide every wait between tries. It yields events and
//! health news; it keeps no rows and sends no messages (its callers turn the news into those).
//!
//! Why not kube-runtime's watcher: it swallows bookmarks and the opening of a watch, so a quiet
//! kind never shows that it recovered; and its waits live outside it (`StreamBackoff`), which
//! resets on any `Ok` item and never sees what happens inside. A list that succeeds and a watch
//! that fails at once then retries at the base rate forever, and a watch whose body is cut
//! short ends without an error at all (kube-client skips a line that stops mid-JSON), so the
//! watcher reopened it at once, some 2,000 times a second per kind.
//!
//! What it lists is a `Collection`: a kind's `Api`, or a kind in the Table form (`:KIND` lists).

use std::collections::{BTreeSet, VecDeque};
use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use kube::api::{ListParams, ObjectList, WatchEvent, WatchParams};
use kube::core::Status;
use kube::runtime::watcher::{Config, Event};
use kube::{Api, Resource};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::client_error;
use crate::sources::backoff::{Backoff, Policy};

/// A watch that reopened is healthy once it has held this long without failing (a quiet kind
/// may send no event, and a real API server a bookmark only about once a minute).
pub const HELD: Duration = Duration::from_secs(1);
/// The pages after a list's first are this many times its size: the first comes back soon
/// (rows on screen), and a list of 100,000 pods then takes 50 round trips, not 200 (each one
/// a wait for the server, and over the network to a managed cluster tens of ms).
const LATER_PAGES: u32 = 4;
/// Beyond the watch's own timeout, how long a silent watch is trusted before it is reopened.
const IDLE_MARGIN: Duration = Duration::from_secs(5);

/// What one list-and-watch yields.
#[derive(Debug)]
pub enum Update<K> {
    Event(Event<K>),
    /// Healthy: the watch opened and held, or carried an event or a bookmark. Said once at the
    /// start and once after each failure, never for every bookmark.
    Healthy,
    Failed(Failure),
    /// A page of a list came and more follow; about `remaining` more objects (the server's
    /// `remainingItemCount`, when it gives one). The page's objects went out before it, so a
    /// caller can show rows while a big list is still loading.
    Page {
        remaining: Option<u64>,
    },
}

/// What a list-and-watch has to yield: one update, or a page's objects, handed out one by one
/// from the list's own buffer (a page of 2,000 whole objects is megabytes; a queue of copies
/// would keep that much for good).
enum Out<K> {
    One(Update<K>),
    Page(std::vec::IntoIter<K>),
}

/// A failure, and how long the watch waits before it tries again.
#[derive(Debug)]
pub struct Failure {
    pub trouble: Trouble,
    pub retry_in: Duration,
}

/// Why a list or a watch failed.
#[derive(Debug)]
pub enum Trouble {
    /// The list failed: refused, unreachable, or an answer that does not parse.
    List(kube::Error),
    /// The watch could not be opened, or its stream broke.
    Watch(kube::Error),
    /// The watch carried an ERROR event.
    Event(Box<Status>),
    /// The watch expired (410) again right after the relist the last expiry caused.
    ExpiredAgain,
    /// The watch ended as soon as it opened, with nothing in it: a body cut short, or a proxy
    /// that closes streams.
    ClosedAtOnce,
    /// A list without a resourceVersion: nothing to watch from.
    NoVersion,
    /// Under `-A`, the cluster-wide list was refused and the namespaces cannot be listed to
    /// watch each one on its own.
    NoFallback(kube::Error),
}

fn status_of(e: &kube::Error) -> Option<&Status> {
    match e {
        kube::Error::Api(s) => Some(s),
        _ => None,
    }
}

impl Failure {
    /// The HTTP status behind the failure, if the server answered one.
    pub fn code(&self) -> Option<u16> {
        match &self.trouble {
            Trouble::List(e) | Trouble::Watch(e) | Trouble::NoFallback(e) => status_of(e).map(|s| s.code),
            Trouble::Event(s) => Some(s.code),
            Trouble::ExpiredAgain => Some(410),
            Trouble::ClosedAtOnce | Trouble::NoVersion => None,
        }
    }

    pub fn forbidden(&self) -> bool {
        self.code() == Some(403) && !matches!(self.trouble, Trouble::NoFallback(_))
    }

    /// The failure as the pane says it: the API's own message when there is one (a 403 names
    /// the resource, the verb and the namespace), and when the next try is if the server set it.
    pub fn describe(&self) -> String {
        let secs = self.retry_in.as_secs_f64().ceil() as u64;
        match (&self.trouble, self.code()) {
            (_, Some(429)) => format!("throttled by the API server, retrying in {secs} s"),
            (Trouble::List(e) | Trouble::Watch(e), Some(503)) => {
                format!("the API server is unavailable ({}), retrying in {secs} s", client_error(e))
            }
            (Trouble::List(e) | Trouble::Watch(e), _) => client_error(e),
            (Trouble::Event(s), _) => s.message.clone(),
            (Trouble::ExpiredAgain, _) => {
                format!("the watch expired (410 Gone) again right after a relist; relisting in {secs} s")
            }
            (Trouble::ClosedAtOnce, _) => "the watch ended as soon as it opened (cut short?)".into(),
            (Trouble::NoVersion, _) => "the list came without a resourceVersion to watch from".into(),
            (Trouble::NoFallback(e), _) => format!(
                "forbidden at the cluster scope; the namespaces cannot be listed either ({}): pass -n NAMESPACE",
                client_error(e)
            ),
        }
    }

    /// The wait the server asked for (429, 503), which kube keeps in the Status details (the
    /// client's layer puts a `Retry-After` header there).
    fn retry_after(trouble: &Trouble) -> Option<Duration> {
        let status = match trouble {
            Trouble::List(e) | Trouble::Watch(e) => status_of(e)?,
            Trouble::Event(s) => s,
            _ => return None,
        };
        let secs = status.details.as_ref()?.retry_after_seconds;
        (secs > 0).then(|| Duration::from_secs(secs.into()))
    }
}

/// A watch's events, as a collection's watch yields them.
pub type Events<K> = BoxStream<'static, kube::Result<WatchEvent<K>>>;

/// What a list-and-watch lists and watches: a kind's `Api`, or a kind read in another form
/// (the Table form of a `:KIND` list), whose items still carry their metadata.
pub trait Collection: Send + Sync + 'static {
    type Item: Resource + Clone + Debug + Send + 'static;
    fn list<'a>(&'a self, lp: &'a ListParams) -> BoxFuture<'a, kube::Result<ObjectList<Self::Item>>>;
    fn watch<'a>(
        &'a self,
        wp: &'a WatchParams,
        version: &'a str,
    ) -> BoxFuture<'a, kube::Result<Events<Self::Item>>>;
}

impl<K> Collection for Api<K>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    type Item = K;

    fn list<'a>(&'a self, lp: &'a ListParams) -> BoxFuture<'a, kube::Result<ObjectList<K>>> {
        Box::pin(Api::list(self, lp))
    }

    fn watch<'a>(&'a self, wp: &'a WatchParams, version: &'a str) -> BoxFuture<'a, kube::Result<Events<K>>> {
        Box::pin(async move { Ok(Api::watch(self, wp, version).await?.boxed()) })
    }
}

/// List and watch `api` as `cfg` says, retrying as `policy` says, for as long as the stream is
/// polled.
pub fn list_watch<C: Collection>(api: C, cfg: Config, policy: Policy) -> BoxStream<'static, Update<C::Item>> {
    let lw = ListWatch {
        api,
        cfg,
        phase: Some(Phase::List { continue_token: None }),
        out: VecDeque::new(),
        backoff: Backoff::with_policy(policy),
        settle: policy.healthy,
        wait: None,
        unproven: true,
        last_expired: None,
        empty_ends: 0,
    };
    futures::stream::unfold(lw, |mut lw| async move {
        let u = lw.next().await;
        Some((u, lw))
    })
    .boxed()
}

enum Phase<K> {
    /// A (re)list, page by page.
    List { continue_token: Option<String> },
    /// Open a watch from this version.
    Watch { version: String },
    /// A watch open since `opened`, resumable from `version`; `lines` once an event or a
    /// bookmark came through it.
    Watching { version: String, stream: Events<K>, opened: Instant, lines: bool },
}

struct ListWatch<C: Collection> {
    api: C,
    cfg: Config,
    /// `None` only while a step runs.
    phase: Option<Phase<C::Item>>,
    out: VecDeque<Out<C::Item>>,
    backoff: Backoff,
    /// How soon after opening an empty end, or after a relist another 410, is a failure.
    settle: Duration,
    /// Before the next request.
    wait: Option<Duration>,
    /// Healthy is owed: at the start, and after a failure was reported.
    unproven: bool,
    last_expired: Option<Instant>,
    /// Watches in a row that ended empty as soon as they opened.
    empty_ends: u32,
}

impl<C: Collection> ListWatch<C> {
    async fn next(&mut self) -> Update<C::Item> {
        loop {
            if let Some(u) = self.pop() {
                return u;
            }
            if let Some(d) = self.wait.take() {
                tokio::time::sleep(d).await;
            }
            let phase = self.phase.take().expect("a phase between steps");
            self.phase = Some(match phase {
                Phase::List { continue_token } => self.list(continue_token).await,
                Phase::Watch { version } => self.open(version).await,
                Phase::Watching { version, stream, opened, lines } => {
                    self.watching(version, stream, opened, lines).await
                }
            });
        }
    }

    fn push(&mut self, u: Update<C::Item>) {
        self.out.push_back(Out::One(u));
    }

    /// The next update to yield, if one is waiting.
    fn pop(&mut self) -> Option<Update<C::Item>> {
        loop {
            match self.out.pop_front()? {
                Out::One(u) => return Some(u),
                Out::Page(mut items) => {
                    if let Some(k) = items.next() {
                        self.out.push_front(Out::Page(items));
                        return Some(Update::Event(Event::InitApply(k)));
                    }
                }
            }
        }
    }

    /// One page of a (re)list; the objects go out as the page arrives.
    async fn list(&mut self, continue_token: Option<String>) -> Phase<C::Item> {
        let first = continue_token.is_none();
        let lp = ListParams {
            label_selector: self.cfg.label_selector.clone(),
            field_selector: self.cfg.field_selector.clone(),
            limit: self.cfg.page_size.map(|p| if first { p } else { p * LATER_PAGES }),
            continue_token,
            ..ListParams::default()
        };
        let list = match self.api.list(&lp).await {
            Ok(l) => l,
            Err(e) => {
                self.fail(Trouble::List(e));
                return Phase::List { continue_token: None };
            }
        };
        if first {
            self.push(Update::Event(Event::Init));
        }
        self.out.push_back(Out::Page(list.items.into_iter()));
        if let Some(c) = list.metadata.continue_.filter(|c| !c.is_empty()) {
            let remaining = list.metadata.remaining_item_count.and_then(|r| u64::try_from(r).ok());
            self.push(Update::Page { remaining });
            return Phase::List { continue_token: Some(c) };
        }
        match list.metadata.resource_version.filter(|v| !v.is_empty()) {
            Some(version) => {
                self.push(Update::Event(Event::InitDone));
                Phase::Watch { version }
            }
            None => {
                self.fail(Trouble::NoVersion);
                Phase::List { continue_token: None }
            }
        }
    }

    async fn open(&mut self, version: String) -> Phase<C::Item> {
        let wp = WatchParams {
            label_selector: self.cfg.label_selector.clone(),
            field_selector: self.cfg.field_selector.clone(),
            timeout: self.cfg.timeout,
            bookmarks: self.cfg.bookmarks,
            send_initial_events: false,
        };
        match self.api.watch(&wp, &version).await {
            Ok(stream) => {
                Phase::Watching { version, stream: stream.boxed(), opened: Instant::now(), lines: false }
            }
            Err(e) if status_of(&e).is_some_and(|s| s.code == 410) => self.expired(),
            Err(e) => {
                self.fail(Trouble::Watch(e));
                Phase::Watch { version }
            }
        }
    }

    async fn watching(
        &mut self,
        mut version: String,
        mut stream: Events<C::Item>,
        opened: Instant,
        lines: bool,
    ) -> Phase<C::Item> {
        let next = if self.unproven && !lines {
            match tokio::time::timeout_at(opened + HELD, stream.next()).await {
                Ok(item) => item,
                Err(_) => {
                    self.healthy();
                    return Phase::Watching { version, stream, opened, lines };
                }
            }
        } else {
            let idle = Duration::from_secs(self.cfg.timeout.unwrap_or(290).into()) + IDLE_MARGIN;
            // A silent connection past the server's own timeout is dead: end it and reopen.
            tokio::time::timeout(idle, stream.next()).await.ok().flatten()
        };
        let event = match next {
            Some(Ok(WatchEvent::Added(k) | WatchEvent::Modified(k))) => {
                version = k.meta().resource_version.clone().unwrap_or(version);
                Event::Apply(k)
            }
            Some(Ok(WatchEvent::Deleted(k))) => {
                version = k.meta().resource_version.clone().unwrap_or(version);
                Event::Delete(k)
            }
            Some(Ok(WatchEvent::Bookmark(b))) => {
                self.healthy();
                version = b.metadata.resource_version;
                return Phase::Watching { version, stream, opened, lines: true };
            }
            Some(Ok(WatchEvent::Error(s))) if s.code == 410 => return self.expired(),
            // A stream that failed is done with (the server ends it after an ERROR anyway):
            // after the wait, a new watch from the last version, which must prove itself anew.
            Some(Ok(WatchEvent::Error(s))) => {
                self.fail(Trouble::Event(s));
                return Phase::Watch { version };
            }
            Some(Err(e)) => {
                self.fail(Trouble::Watch(e));
                return Phase::Watch { version };
            }
            None => {
                // After a normal life (the server's timeout) the watch reopens at once. One that
                // ended empty as soon as it opened may be a server restarting, once; twice in a
                // row it would loop, so from then on it is a failure.
                if lines || opened.elapsed() >= self.settle {
                    self.empty_ends = 0;
                } else {
                    self.empty_ends += 1;
                    if self.empty_ends > 1 {
                        self.fail(Trouble::ClosedAtOnce);
                    }
                }
                return Phase::Watch { version };
            }
        };
        self.healthy();
        self.push(Update::Event(event));
        Phase::Watching { version, stream, opened, lines: true }
    }

    /// The version expired: relist. Routine after a healthy while (compaction), at once and
    /// silently; again right after the relist it caused, a failure that waits.
    fn expired(&mut self) -> Phase<C::Item> {
        let now = Instant::now();
        if self.last_expired.replace(now).is_some_and(|t| now.duration_since(t) < self.settle) {
            self.fail(Trouble::ExpiredAgain);
        } else {
            tracing::debug!("watch expired; relisting");
        }
        Phase::List { continue_token: None }
    }

    fn fail(&mut self, trouble: Trouble) {
        let retry_in = self.backoff.next_delay_after(Failure::retry_after(&trouble));
        self.wait = Some(retry_in);
        self.unproven = true;
        self.push(Update::Failed(Failure { trouble, retry_in }));
    }

    fn healthy(&mut self) {
        self.backoff.healthy();
        self.empty_ends = 0;
        if std::mem::take(&mut self.unproven) {
            self.push(Update::Healthy);
        }
    }
}

/// Several watches behind one source (its kinds, or its namespaces under `-A`): the source is
/// healthy when every one of them has said so since it last failed, so one that recovers does
/// not clear another's error.
#[derive(Debug, Default)]
pub struct AllHealthy<P: Ord> {
    unproven: BTreeSet<P>,
}

impl<P: Ord> AllHealthy<P> {
    pub fn new(parts: impl IntoIterator<Item = P>) -> Self {
        AllHealthy { unproven: parts.into_iter().collect() }
    }

    pub fn failed(&mut self, part: P) {
        self.unproven.insert(part);
    }

    /// True when this was the last part owing proof: the source is healthy now.
    pub fn healthy(&mut self, part: &P) -> bool {
        self.unproven.remove(part) && self.unproven.is_empty()
    }
}
