//! A TCP proxy on 127.0.0.1 in front of a real server: it can hold every chunk it forwards for
//! an adjustable delay (a slow network or a slow server), or stop forwarding altogether without
//! closing anything (a silent network partition), and heal.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    pub port: u16,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

struct Shared {
    delay_ms: AtomicU64,
    /// True while partitioned: nothing is forwarded, nothing is closed.
    partitioned: watch::Sender<bool>,
    /// When each client connection was accepted.
    accepted: Mutex<Vec<Instant>>,
}

impl Proxy {
    /// Forwards 127.0.0.1:`port` to `target` (host:port).
    pub async fn start(target: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            delay_ms: AtomicU64::new(0),
            partitioned: watch::channel(false).0,
            accepted: Mutex::new(Vec::new()),
        });
        let target = target.to_string();
        let state = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                state.accepted.lock().unwrap().push(Instant::now());
                let state = state.clone();
                let target = target.clone();
                tokio::spawn(async move {
                    // A connection made during a partition reaches the server only once it heals.
                    state.healed().await;
                    let Ok(server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::spawn(pump(client_read, server_write, state.clone()));
                    tokio::spawn(pump(server_read, client_write, state));
                });
            }
        });
        Proxy { port, shared, task }
    }

    pub fn set_delay(&self, delay: Duration) {
        self.shared
            .delay_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
    }

    /// Stops forwarding in both directions, closing nothing: bytes already sent wait in the
    /// proxy, new connections are accepted but reach nothing.
    pub fn partition(&self) {
        self.shared.partitioned.send_replace(true);
    }

    /// Forwards again, what waited first.
    pub fn heal(&self) {
        self.shared.partitioned.send_replace(false);
    }

    /// When each client connection was accepted, oldest first.
    pub fn accepted(&self) -> Vec<Instant> {
        self.shared.accepted.lock().unwrap().clone()
    }
}

impl Shared {
    async fn healed(&self) {
        let mut partitioned = self.partitioned.subscribe();
        let _ = partitioned.wait_for(|p| !p).await;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn pump(
    mut from: impl AsyncReadExt + Unpin,
    mut to: impl AsyncWriteExt + Unpin,
    state: Arc<Shared>,
) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        state.healed().await;
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        let delay = state.delay_ms.load(Ordering::Relaxed);
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        // Read before the partition began: held until it heals, like a lost packet's retransmit.
        state.healed().await;
        if n == 0 || to.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
