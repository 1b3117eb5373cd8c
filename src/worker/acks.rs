//! Acks, coalesced. A delivery whose record (or dead letter) the broker confirmed is marked
//! done; the acker then settles, in one `basic.ack` with `multiple`, every done delivery below
//! the oldest one still being processed, and acks any other done one alone. Deliveries finish
//! mostly in the order they came, so most articles cost a share of one ack frame instead of a
//! frame, a round trip through lapin's I/O thread and a queue operation of the broker each
//! (BENCHMARKS.md, "Cost per article").
//!
//! Nothing is acked before it is done: `multiple` only covers tags that are all done. An ack
//! still waiting when the session ends is not lost work: the broker redelivers the article and
//! its record comes out again, byte-identical.

use std::collections::BTreeMap;
use std::sync::Mutex;

use tokio::sync::Notify;

use crate::broker::Held;

/// The deliveries of one session's consumer channel that are not acked yet.
#[derive(Default)]
pub(super) struct Acks {
    open: Mutex<Window<Held>>,
    changed: Notify,
    /// Held through a flush, from taking what is due to its last ack sent: a flush that starts
    /// while another is sending waits for it, so the shutdown's last flush returns only once
    /// every ack taken out of the window was sent.
    flushing: tokio::sync::Mutex<()>,
}

impl Acks {
    /// A delivery taken (its tag), before it is processed.
    pub fn taken(&self, tag: u64) {
        self.lock().taken(tag);
    }

    /// Its output is confirmed: it may be acked.
    pub fn done(&self, tag: u64, held: Held) {
        self.lock().done(tag, held);
        self.changed.notify_one();
    }

    /// Settled some other way (rejected): never covered by an ack.
    pub fn settled(&self, tag: u64) {
        self.lock().settled(tag);
        self.changed.notify_one();
    }

    /// Sends the acks that are due, whenever deliveries are done, until the channel fails.
    pub async fn run(&self) -> lapin::Error {
        loop {
            self.changed.notified().await;
            if let Err(e) = self.flush().await {
                return e;
            }
        }
    }

    /// Sends the acks due now.
    pub async fn flush(&self) -> Result<(), lapin::Error> {
        let _flushing = self.flushing.lock().await;
        let due = self.lock().due();
        if let Some(last) = due.up_to {
            last.ack_all_up_to().await?;
        }
        for held in due.alone {
            held.ack().await?;
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Window<Held>> {
        self.open.lock().expect("acks lock")
    }
}

/// Deliveries taken and not acked, by tag: `Some(handle)` once done.
struct Window<H>(BTreeMap<u64, Option<H>>);

impl<H> Default for Window<H> {
    fn default() -> Self {
        Window(BTreeMap::new())
    }
}

/// What to send now.
#[derive(Debug, PartialEq)]
struct Due<H> {
    /// The highest of the done deliveries below every open one: acked with `multiple`.
    up_to: Option<H>,
    /// Done deliveries above an open one: each acked alone.
    alone: Vec<H>,
}

impl<H> Window<H> {
    fn taken(&mut self, tag: u64) {
        self.0.insert(tag, None);
    }

    fn done(&mut self, tag: u64, handle: H) {
        if let Some(slot) = self.0.get_mut(&tag) {
            *slot = Some(handle);
        }
    }

    fn settled(&mut self, tag: u64) {
        self.0.remove(&tag);
    }

    /// Takes what is due out of the window.
    fn due(&mut self) -> Due<H> {
        let mut up_to = None;
        while let Some(entry) = self.0.first_entry() {
            if entry.get().is_none() {
                break;
            }
            up_to = entry.remove();
        }
        let mut alone = Vec::new();
        if self.0.values().any(Option::is_some) {
            self.0.retain(|_, handle| match handle.take() {
                Some(done) => {
                    alone.push(done);
                    false
                }
                None => true,
            });
        }
        Due { up_to, alone }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ack_covers_what_is_done_below_the_oldest_open_delivery() {
        let mut window = Window::default();
        for tag in 1..=6 {
            window.taken(tag);
        }
        assert_eq!(
            window.due(),
            Due {
                up_to: None,
                alone: vec![]
            }
        );
        window.done(2, 2);
        window.done(1, 1);
        window.done(4, 4);
        // 3 is still open: 1 and 2 go in one ack, 4 alone.
        assert_eq!(
            window.due(),
            Due {
                up_to: Some(2),
                alone: vec![4]
            }
        );
        // 4 is never acked again, and a rejected 5 is never covered.
        window.settled(5);
        window.done(3, 3);
        assert_eq!(
            window.due(),
            Due {
                up_to: Some(3),
                alone: vec![]
            }
        );
        window.done(6, 6);
        assert_eq!(
            window.due(),
            Due {
                up_to: Some(6),
                alone: vec![]
            }
        );
        assert_eq!(
            window.due(),
            Due {
                up_to: None,
                alone: vec![]
            }
        );
    }

    #[test]
    fn a_done_delivery_the_window_never_took_is_ignored() {
        let mut window = Window::default();
        window.taken(7);
        window.done(8, 8);
        assert_eq!(
            window.due(),
            Due {
                up_to: None,
                alone: vec![]
            }
        );
    }
}
