//! TLS for tests: a CA and a server certificate for 127.0.0.1/localhost made on the fly, and a
//! real TLS endpoint (stunnel, Debian's `stunnel4`) in front of plain services, stopped when
//! dropped.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

/// A fresh CA and a server certificate it signed, as PEM files in a temporary folder.
pub struct Pki {
    pub dir: tempfile::TempDir,
    /// The CA certificate: what a client must trust.
    pub ca: PathBuf,
    /// The server's certificate (leaf only) and its private key.
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
}

impl Pki {
    /// A CA named `name`, and a certificate for 127.0.0.1, ::1 and localhost signed by it.
    pub fn generate(name: &str) -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, format!("{name} test CA"));
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();

        let mut server_params = CertificateParams::new(vec![
            "127.0.0.1".to_string(),
            "::1".to_string(),
            "localhost".to_string(),
        ])
        .unwrap();
        server_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate().unwrap();
        let server = server_params.signed_by(&server_key, &ca).unwrap();

        let write = |file: &str, text: String| {
            let path = dir.path().join(file);
            std::fs::write(&path, text).unwrap();
            path
        };
        Pki {
            ca: write("ca.pem", ca.pem()),
            server_cert: write("server.pem", server.pem()),
            server_key: write("server.key", server_key.serialize_pem()),
            dir,
        }
    }

    pub fn ca_path(&self) -> String {
        self.ca.display().to_string()
    }
}

/// A free port on 127.0.0.1 (free when asked; stunnel binds it right after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `host:port` of a URL (`scheme://user:pass@host:port/path`), with `default_port` when the URL
/// names none.
pub fn host_port(url: &str, default_port: u16) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // `[::1]` has colons but no port; `[::1]:6379` and `127.0.0.1:5672` have one.
    let has_port = host
        .rfind(':')
        .is_some_and(|i| !host[i..].contains(']') && host[i + 1..].parse::<u16>().is_ok());
    if has_port {
        host.to_string()
    } else {
        format!("{host}:{default_port}")
    }
}

/// The URL with another scheme and its host and port replaced by 127.0.0.1:`port` (user,
/// password and path kept): the same service, reached through the tunnel.
pub fn through_tunnel(url: &str, scheme: &str, port: u16) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let userinfo = authority
        .rsplit_once('@')
        .map(|(u, _)| format!("{u}@"))
        .unwrap_or_default();
    format!("{scheme}://{userinfo}127.0.0.1:{port}{path}")
}

/// A running stunnel: one TLS service per name, each on its own 127.0.0.1 port, forwarding in
/// plain TCP to its target. Killed when dropped.
pub struct Stunnel {
    child: Child,
    ports: HashMap<String, u16>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// The stunnel binary: `stunnel` (5.x) or Debian's older `stunnel4` name. Fails the test,
/// saying how to install it, when neither is there.
fn stunnel_binary() -> &'static str {
    for name in ["stunnel", "stunnel4"] {
        let found = Command::new(name)
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if found {
            return name;
        }
    }
    panic!(
        "stunnel is not installed, and the TLS tests need it as the TLS endpoint in front of \
         RabbitMQ and Redis: install it with `apt-get install -y stunnel4`."
    );
}

impl Stunnel {
    /// Starts stunnel in the foreground with `pki`'s server certificate, one service per
    /// `(name, target host:port)`, and waits until every service accepts connections.
    pub fn start(pki: &Pki, services: &[(&str, String)]) -> Stunnel {
        let binary = stunnel_binary();
        let dir = tempfile::tempdir().unwrap();
        let mut conf = String::from("foreground = yes\npid =\ndebug = notice\n");
        let mut ports = HashMap::new();
        for (name, target) in services {
            let port = free_port();
            conf.push_str(&format!(
                "\n[{name}]\naccept = 127.0.0.1:{port}\nconnect = {target}\ncert = {}\nkey = {}\n",
                pki.server_cert.display(),
                pki.server_key.display(),
            ));
            ports.insert(name.to_string(), port);
        }
        let conf_path = dir.path().join("stunnel.conf");
        std::fs::write(&conf_path, &conf).unwrap();
        let log = dir.path().join("stunnel.log");
        let child = Command::new(binary)
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
            .stderr(Stdio::from(
                std::fs::OpenOptions::new().append(true).open(&log).unwrap(),
            ))
            .spawn()
            .unwrap_or_else(|e| panic!("{binary} does not start: {e}"));
        let mut stunnel = Stunnel {
            child,
            ports,
            log,
            _dir: dir,
        };
        stunnel.wait_until_listening(&conf);
        stunnel
    }

    fn wait_until_listening(&mut self, conf: &str) {
        let start = Instant::now();
        for port in self.ports.values() {
            while TcpStream::connect(("127.0.0.1", *port)).is_err() {
                if let Some(status) = self.child.try_wait().unwrap() {
                    panic!(
                        "stunnel exited ({status}) before listening on {port}.\nConfiguration:\n\
                         {conf}\nLog:\n{}",
                        self.log_text()
                    );
                }
                assert!(
                    start.elapsed() < Duration::from_secs(15),
                    "stunnel does not listen on 127.0.0.1:{port} after 15 s.\nLog:\n{}",
                    self.log_text()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// The 127.0.0.1 port of service `name`.
    pub fn port(&self, name: &str) -> u16 {
        self.ports[name]
    }

    /// What stunnel logged so far (accepted connections, handshake failures).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn log_path(&self) -> &Path {
        &self.log
    }
}

impl Drop for Stunnel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
