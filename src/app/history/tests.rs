use super::*;
use crate::config::history::{Age, Size};
use crate::state::Level;
use crate::state::timeline::{Kind, Subject};

fn entry(at: UnixMs, what: &str) -> Entry {
    Entry {
        at,
        cluster: "shop-prod".into(),
        kind: Kind::Rollout,
        subject: Subject::Node { name: "ip-10-0-1-12".into() },
        what: what.into(),
        level: Level::Accent,
    }
}

fn cfg(max_age_s: u64, max_size: u64) -> HistoryConfig {
    HistoryConfig {
        enabled: true,
        max_age: Age(std::time::Duration::from_secs(max_age_s)),
        max_size: Size(max_size),
    }
}

#[test]
fn entries_are_kept_once_and_read_back_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let p = path(dir.path(), false);
    let mut h = History::open(&p, &cfg(86_400, 64 << 20)).unwrap();
    let now = 1_800_000_000_000;
    assert_eq!(h.append(&[entry(now - 2, "b"), entry(now - 5, "a")], now).unwrap(), 2);
    assert_eq!(h.append(&[entry(now - 2, "b"), entry(now - 1, "c")], now).unwrap(), 1);
    drop(h);
    let back = read(&p, now - 3).unwrap();
    assert_eq!(back.iter().map(|e| e.what.as_str()).collect::<Vec<_>>(), ["b", "c"]);
    assert_eq!(back[0], entry(now - 2, "b"));
}

#[test]
fn entries_older_than_max_age_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let p = path(dir.path(), false);
    let mut h = History::open(&p, &cfg(3600, 64 << 20)).unwrap();
    let now = 1_800_000_000_000;
    h.append(&[entry(now - 2 * 3_600_000, "old"), entry(now - 60_000, "new")], now).unwrap();
    assert_eq!(h.read(0).unwrap().iter().map(|e| e.what.as_str()).collect::<Vec<_>>(), ["new"]);
}

#[test]
fn the_file_stays_under_max_size_and_keeps_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let p = path(dir.path(), false);
    let max = 1 << 20;
    let mut h = History::open(&p, &cfg(86_400 * 365, max)).unwrap();
    let now = 1_800_000_000_000;
    let filler = "x".repeat(120);
    for batch in 0..40 {
        let entries: Vec<Entry> = (0..500)
            .map(|i| entry(now - 1_000_000 + batch * 500 + i, &format!("{batch}-{i} {filler}")))
            .collect();
        h.append(&entries, now).unwrap();
        let size = std::fs::metadata(&p).unwrap().len();
        assert!(size <= max, "after batch {batch}: {size} bytes > {max}");
    }
    let kept = h.read(0).unwrap();
    assert!(kept.len() > 1000, "{} kept", kept.len());
    assert!(kept.len() < 20_000, "{} kept: nothing was dropped", kept.len());
    assert_eq!(kept.last().unwrap().what, format!("39-499 {filler}"), "the newest is kept");
    assert!(!kept.iter().any(|e| e.what.starts_with("0-")), "the oldest went first");
}

#[test]
fn a_corrupt_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = path(dir.path(), false);
    std::fs::write(&p, vec![0x5a; 64 * 1024]).unwrap();
    let err = History::open(&p, &cfg(3600, 64 << 20)).err().unwrap();
    assert!(err.contains(&p.display().to_string()), "{err}");
    assert!(err.starts_with("corrupt") && err.contains("aside to start a new history"), "{err}");
}

#[test]
fn a_file_locked_by_another_program_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = path(dir.path(), false);
    // A program that opens it for itself alone (redb's default mode).
    let _other = redb::Database::create(&p).unwrap();
    let err = History::open(&p, &cfg(3600, 64 << 20)).err().unwrap();
    assert!(err.contains("locked"), "{err}");
}

#[test]
fn two_recorders_and_a_reader_share_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = path(dir.path(), false);
    let now = 1_800_000_000_000;
    let mut a = History::open(&p, &cfg(86_400, 64 << 20)).unwrap();
    let mut b = History::open(&p, &cfg(86_400, 64 << 20)).unwrap();
    a.append(&[entry(now - 3, "from a")], now).unwrap();
    b.append(&[entry(now - 2, "from b")], now).unwrap();
    let both = read(&p, 0).unwrap();
    assert_eq!(both.iter().map(|e| e.what.as_str()).collect::<Vec<_>>(), ["from a", "from b"]);
}
