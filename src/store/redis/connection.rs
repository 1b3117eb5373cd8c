//! Connecting to Redis or a Redis Cluster (TLS included), and reading its replies.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{ScriptInvocation, TlsCertificates, Value};

use super::RedisStore;
use crate::config::read_ca_file;
use crate::store::StoreError;

#[derive(Clone)]
pub(super) enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Connection {
    pub(super) async fn invoke<T: redis::FromRedisValue>(
        &self,
        call: &ScriptInvocation<'_>,
    ) -> redis::RedisResult<T> {
        match self.clone() {
            Connection::Single(mut c) => call.invoke_async(&mut c).await,
            Connection::Cluster(mut c) => call.invoke_async(&mut c).await,
        }
    }

    pub(super) async fn query<T: redis::FromRedisValue>(
        &self,
        cmd: &redis::Cmd,
    ) -> redis::RedisResult<T> {
        match self.clone() {
            Connection::Single(mut c) => cmd.query_async(&mut c).await,
            Connection::Cluster(mut c) => cmd.query_async(&mut c).await,
        }
    }

    /// A pipeline's replies, one per command (an atomic one's from its `EXEC`).
    pub(super) async fn pipe(&self, pipe: &redis::Pipeline) -> Result<Vec<Value>, StoreError> {
        if pipe.cmd_iter().next().is_none() {
            return Ok(Vec::new());
        }
        match self.clone() {
            Connection::Single(mut c) => pipe.query_async(&mut c).await,
            Connection::Cluster(mut c) => pipe.query_async(&mut c).await,
        }
        .map_err(unavailable)
    }
}

impl RedisStore {
    fn timeout(&self) -> Duration {
        Duration::from_millis(self.settings.redis_timeout_ms)
    }

    pub(super) async fn connection(&self) -> Result<Connection, StoreError> {
        let mut slot = self.connection.lock().await;
        if let Some(conn) = slot.as_ref() {
            return Ok(conn.clone());
        }
        let certs = self.tls_certificates()?;
        let conn = if self.settings.redis_cluster {
            let nodes: Vec<&str> = self.settings.redis_url.split(',').map(str::trim).collect();
            let mut builder = ClusterClient::builder(nodes)
                .connection_timeout(self.timeout())
                .response_timeout(self.timeout());
            // `certs` switches the cluster to TLS; only rediss:// nodes ask for it.
            if let Some(certs) = certs
                && self
                    .settings
                    .redis_url
                    .trim_start()
                    .starts_with("rediss://")
            {
                builder = builder.certs(certs);
            }
            let client = builder.build().map_err(unavailable)?;
            Connection::Cluster(client.get_async_connection().await.map_err(unavailable)?)
        } else {
            let url = self.settings.redis_url.as_str();
            let client = match certs {
                // Only a rediss:// URL uses them; redis:// stays plain.
                Some(certs) => redis::Client::build_with_tls(url, certs),
                None => redis::Client::open(url),
            }
            .map_err(unavailable)?;
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(self.timeout()))
                .set_response_timeout(Some(self.timeout()))
                .set_number_of_retries(1);
            Connection::Single(
                ConnectionManager::new_with_config(client, config)
                    .await
                    .map_err(unavailable)?,
            )
        };
        *slot = Some(conn.clone());
        Ok(conn)
    }

    /// With `store.redis_tls_ca_file` set, the CA certificates `rediss://` trusts (instead of
    /// the system's store), read when the connection is made.
    fn tls_certificates(&self) -> Result<Option<TlsCertificates>, StoreError> {
        let path = &self.settings.redis_tls_ca_file;
        if path.is_empty() {
            return Ok(None);
        }
        let pem = read_ca_file("store.redis_tls_ca_file", path)?;
        Ok(Some(TlsCertificates {
            client_tls: None,
            root_cert: Some(pem),
        }))
    }
}

pub(super) fn unavailable(e: redis::RedisError) -> StoreError {
    StoreError::Redis(e)
}

pub(super) fn parse_count(bytes: &[u8]) -> Option<u32> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// The values of an `HMGET` reply.
pub(super) fn values(reply: &Value) -> Vec<Option<Vec<u8>>> {
    match reply {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::BulkString(bytes) => Some(bytes.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn int(v: &Value) -> i64 {
    match v {
        Value::Int(n) => *n,
        _ => 0,
    }
}
