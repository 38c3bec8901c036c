//! The loopback media server: WebKitGTK's `<video>` plays only from http(s), blob, data or file
//! URLs, never from the app's own URI schemes (docs/decisions.md, "Video through a loopback
//! server"), so held materials are served over HTTP on 127.0.0.1, on a port the system picks,
//! under a secret path token made fresh for each run of the app:
//! `http://127.0.0.1:PORT/TOKEN/SHA256`.
//!
//! It serves only what the `evidence:` scheme would: a hash that an order of this cache names or
//! a permit material the desk holds, with its recorded Content-Type and byte ranges (206, 416;
//! `crate::byte_range`, the same code as the scheme). Any other path, a wrong token, an unknown
//! hash, another method, a query or anything that is not exactly `/TOKEN/SHA256` is 404; no
//! path is ever built from the request except through the hash check. Connections are kept
//! alive (the player asks for many ranges) and each is served on its own thread, up to a limit.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use casedesk_store::{EvidenceStore, Store};

use crate::byte_range::{plan, served_type};
use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;

/// Connections served at once; more wait in the system's queue.
const MAX_CONNECTIONS: usize = 32;
/// A kept-alive connection with nothing asked for this long is closed.
const IDLE: Duration = Duration::from_secs(30);
/// The most a request's head may take (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// What the server may serve: held files, by hash, on a read-only connection of its own.
pub struct MediaFiles {
    store: Mutex<Store>,
    files: EvidenceStore,
}

impl MediaFiles {
    /// The stored file with this hash and the type to serve it with, if the window may see it.
    fn open(&self, hash: &str) -> Option<(File, &'static str)> {
        if !casedesk_store::evidence::is_hash(hash) {
            return None;
        }
        let mime = self.store.lock().ok()?.served_mime(hash).ok()??;
        let file = self.files.open_stored(hash).ok()??;
        Some((file, served_type(&mime)))
    }
}

impl Desk {
    /// What a [`MediaServer`] serves from this desk's cache.
    pub fn media_files(&self) -> Result<MediaFiles, AppError> {
        Ok(MediaFiles {
            store: Mutex::new(Store::open_reader(self.store.path())?),
            files: self.evidence.clone(),
        })
    }
}

/// The running server; stopped when dropped.
pub struct MediaServer {
    addr: SocketAddr,
    token: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MediaServer {
    /// Binds 127.0.0.1 on a free port with a fresh token and serves on a thread of its own.
    pub fn start(files: MediaFiles) -> Result<MediaServer, AppError> {
        let failed = |e: io::Error| {
            AppError::new(ErrorCode::Storage, MessageKey::MediaServerFailed)
                .with("detail", e.to_string())
        };
        let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(failed)?;
        let addr = listener.local_addr().map_err(failed)?;
        let token = format!("{:032x}", rand::random::<u128>());
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            files,
            token: token.clone(),
            open: AtomicUsize::new(0),
        });
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("casedesk-media".into())
            .spawn(move || accept(listener, shared, stopping))
            .map_err(failed)?;
        Ok(MediaServer {
            addr,
            token,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/TOKEN`: a file is at `{base}/{sha256}`.
    pub fn base_url(&self) -> String {
        format!("http://{}/{}", self.addr, self.token)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for MediaServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Shared {
    files: MediaFiles,
    token: String,
    open: AtomicUsize,
}

fn accept(listener: TcpListener, shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            continue;
        };
        if shared.open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.open.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let mine = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("casedesk-media-conn".into())
            .spawn(move || {
                let _ = serve_connection(stream, &mine);
                mine.open.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One request's head as far as this server reads it.
struct Request {
    method: String,
    target: String,
    range: Option<String>,
    close: bool,
}

/// Reads a request head; None at the end of the connection (or a head too long or malformed,
/// after which the connection is closed).
fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut head_len = 0usize;
    let mut line = String::new();
    let mut read_line = |line: &mut String| -> io::Result<usize> {
        line.clear();
        let n = reader.by_ref().take(MAX_HEAD as u64).read_line(line)?;
        head_len += n;
        if head_len > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too long"));
        }
        Ok(n)
    };
    if read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(None);
    };
    let mut req = Request {
        method: method.to_string(),
        target: target.to_string(),
        range: None,
        close: version != "HTTP/1.1",
    };
    loop {
        if read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            return Ok(Some(req));
        }
        let Some((name, value)) = l.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("range") {
            req.range = Some(value.to_string());
        } else if name.eq_ignore_ascii_case("connection") {
            req.close = value.eq_ignore_ascii_case("close");
        }
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    while let Some(req) = read_request(&mut reader)? {
        answer(&req, shared, &mut out)?;
        if req.close {
            break;
        }
    }
    Ok(())
}

/// The hash a request names, if it is exactly `/TOKEN/SHA256` with this run's token.
fn hash_of_target<'a>(target: &'a str, token: &str) -> Option<&'a str> {
    let rest = target.strip_prefix('/')?;
    let (t, hash) = rest.split_once('/')?;
    // Compared in full whatever differs first: the token is the only secret here.
    let same = t.len() == token.len()
        && t.bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    (same && casedesk_store::evidence::is_hash(hash)).then_some(hash)
}

fn answer(req: &Request, shared: &Shared, out: &mut TcpStream) -> io::Result<()> {
    let head_only = req.method == "HEAD";
    let found = (req.method == "GET" || head_only)
        .then(|| hash_of_target(&req.target, &shared.token))
        .flatten()
        .and_then(|hash| shared.files.open(hash));
    let Some((mut file, content_type)) = found else {
        return status_only(out, 404, "Not Found", None);
    };
    let size = file.metadata()?.len();
    let p = plan(req.range.as_deref(), size);
    if p.status == 416 {
        return status_only(
            out,
            416,
            "Range Not Satisfiable",
            p.content_range.as_deref(),
        );
    }
    let reason = if p.status == 206 {
        "Partial Content"
    } else {
        "OK"
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Accept-Ranges: bytes\r\nCache-Control: private, max-age=86400\r\n\
         X-Content-Type-Options: nosniff\r\n",
        p.status, p.len
    );
    if let Some(cr) = &p.content_range {
        head.push_str(&format!("Content-Range: {cr}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if !head_only {
        file.seek(SeekFrom::Start(p.first))?;
        // A player that seeks closes the connection mid-body: the write error ends it.
        io::copy(&mut file.take(p.len), out)?;
    }
    out.flush()
}

fn status_only(
    out: &mut TcpStream,
    status: u16,
    reason: &str,
    content_range: Option<&str>,
) -> io::Result<()> {
    let mut head =
        format!("HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n");
    if let Some(cr) = content_range {
        head.push_str(&format!("Content-Range: {cr}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_and_a_hash_name_a_file() {
        let token = "0123456789abcdef0123456789abcdef";
        let hash = "ab".repeat(32);
        assert_eq!(
            hash_of_target(&format!("/{token}/{hash}"), token),
            Some(hash.as_str())
        );
        for bad in [
            format!("/{token}x/{hash}"),
            format!("/{}/{hash}", &token[1..]),
            format!("/{token}/{hash}?x=1"),
            format!("/{token}/../{hash}"),
            format!("/{token}//{hash}"),
            format!("/{token}/{hash}/"),
            format!("{token}/{hash}"),
            format!("/{token}/%2e%2e%2f{hash}"),
            format!("/{token}/{}", hash.to_uppercase()),
            format!("/{token}"),
            "/".to_string(),
        ] {
            assert_eq!(hash_of_target(&bad, token), None, "{bad}");
        }
    }
}
