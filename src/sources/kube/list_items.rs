//! The objects of a Kubernetes list (`{"kind": …, "metadata": …, "items": [ {…}, {…} ]}`) cut
//! out one at a time as the answer arrives, each handed over as its own bytes to be parsed
//! whole. Only a piece of the answer is held at once: at 100,000 pods a metrics answer is some
//! 30 MB, and holding it whole raised the resident size by as much each reading, while a
//! parser reading from a stream (serde_json's `from_reader`) costs several times the CPU of
//! parsing bytes in place.
//!
//! It follows strings (with their escapes) and nesting only; each object's JSON is checked by
//! the parser it goes to, and an answer that ends inside the list is an error.

/// Where the scan is in the list's outer object.
#[derive(Clone, Copy, Debug, PartialEq)]
enum At {
    /// Before `items`' array (skipping `kind`, `metadata` …).
    Outer,
    /// The key just read is `items`; its array comes next.
    ItemsKey,
    /// Inside `items`' array, between objects.
    Items,
    /// Past the array.
    Done,
}

pub struct ListItems {
    /// What has come and is not yet handed over: at most the object being read and a piece.
    buf: Vec<u8>,
    /// How far `buf` has been scanned.
    pos: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Where the string being read began (to tell the key `items`).
    string_start: usize,
    /// Where the object being read began, in `buf`.
    item_start: Option<usize>,
    at: At,
}

impl Default for ListItems {
    fn default() -> Self {
        ListItems {
            buf: Vec::new(),
            pos: 0,
            depth: 0,
            in_string: false,
            escaped: false,
            string_start: 0,
            item_start: None,
            at: At::Outer,
        }
    }
}

impl ListItems {
    /// Take a piece of the answer; call `each` with every object of `items` it completes.
    pub fn feed<E>(&mut self, piece: &[u8], mut each: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        self.buf.extend_from_slice(piece);
        while self.pos < self.buf.len() {
            if self.in_string {
                self.string_piece();
                continue;
            }
            let b = self.buf[self.pos];
            self.pos += 1;
            match b {
                b'"' => {
                    self.in_string = true;
                    self.string_start = self.pos;
                }
                b'{' | b'[' => {
                    if self.depth == 1 && self.at == At::ItemsKey && b == b'[' {
                        self.at = At::Items;
                    } else if self.depth == 2 && self.at == At::Items && b == b'{' {
                        self.item_start = Some(self.pos - 1);
                    }
                    self.depth += 1;
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 2
                        && let Some(start) = self.item_start.take()
                    {
                        each(&self.buf[start..self.pos])?;
                    } else if self.depth == 1 && self.at == At::Items {
                        self.at = At::Done;
                    }
                }
                // `"items": null` (or a value of another type) and more keys: nothing to read.
                b',' if self.depth == 1 && self.at == At::ItemsKey => self.at = At::Outer,
                _ => {}
            }
        }
        self.compact();
        Ok(())
    }

    /// Go on through a string: most of an answer is in strings, so the next quote or backslash
    /// is looked for at once, not byte by byte.
    fn string_piece(&mut self) {
        if self.escaped {
            self.escaped = false;
            self.pos += 1;
            return;
        }
        let Some(i) = memchr::memchr2(b'"', b'\\', &self.buf[self.pos..]) else {
            self.pos = self.buf.len();
            return;
        };
        let at = self.pos + i;
        self.pos = at + 1;
        if self.buf[at] == b'\\' {
            self.escaped = true;
            return;
        }
        self.in_string = false;
        let key = &self.buf[self.string_start..at];
        if self.depth == 1 && self.at == At::Outer && key == b"items" {
            self.at = At::ItemsKey;
        }
    }

    /// Drop what is scanned and handed over, keeping an object or a key not yet whole.
    fn compact(&mut self) {
        let keep = match self.item_start {
            Some(start) => start,
            None if self.in_string => self.string_start.saturating_sub(1),
            None => self.pos,
        };
        self.buf.drain(..keep);
        self.pos -= keep;
        self.string_start = self.string_start.saturating_sub(keep);
        if let Some(s) = self.item_start.as_mut() {
            *s -= keep;
        }
        // A long answer's pieces need not keep the biggest one's room.
        if self.buf.capacity() > 4 * self.buf.len().max(64 << 10) {
            self.buf.shrink_to(self.buf.len().max(64 << 10));
        }
    }

    /// The answer ended: whether the list was whole.
    pub fn finished(&self) -> bool {
        self.depth == 0 && !self.in_string && self.item_start.is_none() && self.at != At::Items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every object cut out of `json` fed in pieces of `n` bytes, and whether it was whole.
    fn items(json: &str, n: usize) -> (Vec<String>, bool) {
        let mut l = ListItems::default();
        let mut out = Vec::new();
        for piece in json.as_bytes().chunks(n) {
            l.feed(piece, |b| {
                out.push(String::from_utf8(b.to_vec()).unwrap());
                Ok::<_, ()>(())
            })
            .unwrap();
        }
        (out, l.finished())
    }

    const LIST: &str = r#"{"kind":"PodMetricsList","metadata":{"items":[{"not":"these"}],"x":"}]\"{"},"items":[{"metadata":{"name":"a","ns":"q\"}{"},"containers":[{"usage":{"cpu":"1m"}}]} , {"metadata":{"name":"b"},"containers":[]}],"after":[{"n":1}]}"#;

    #[test]
    fn each_object_of_items_whatever_the_pieces() {
        let want = [
            r#"{"metadata":{"name":"a","ns":"q\"}{"},"containers":[{"usage":{"cpu":"1m"}}]}"#,
            r#"{"metadata":{"name":"b"},"containers":[]}"#,
        ];
        for n in [1, 2, 3, 7, 64, LIST.len()] {
            assert_eq!(items(LIST, n), (want.map(String::from).to_vec(), true), "pieces of {n}");
        }
    }

    #[test]
    fn an_answer_cut_short_is_not_whole() {
        for cut in [10, 100, LIST.len() - 40, LIST.len() - 1] {
            let (_, whole) = items(&LIST[..cut], 5);
            assert!(!whole, "cut at {cut}");
        }
        assert_eq!(items(r#"{"kind":"PodMetricsList","items":null}"#, 4), (Vec::new(), true));
        assert_eq!(items(r#"{"kind":"PodMetricsList","items":[]}"#, 4), (Vec::new(), true));
    }

    #[test]
    fn only_a_piece_is_held() {
        let item = r#"{"metadata":{"name":"pod"},"containers":[{"usage":{"cpu":"5m","memory":"1Mi"}}]}"#;
        let body = format!(r#"{{"items":[{}]}}"#, vec![item; 20_000].join(","));
        let mut l = ListItems::default();
        let mut n = 0;
        for piece in body.as_bytes().chunks(16 << 10) {
            l.feed(piece, |_| {
                n += 1;
                Ok::<_, ()>(())
            })
            .unwrap();
            assert!(l.buf.len() < 1024, "{} bytes held", l.buf.len());
        }
        assert_eq!(n, 20_000);
        assert!(l.finished());
    }
}
