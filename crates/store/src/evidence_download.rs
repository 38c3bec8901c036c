//! Files downloaded into the evidence store (a permit application's materials, fetched from the
//! hub by hash). The bytes so far wait in `partial/<sha256>`, which survives a restart (opening
//! the store clears `tmp/`, not `partial/`), so a download cut short continues where it stopped
//! with a Range request. Only when every byte is there is the file hashed; bytes that match
//! their name move into place under `sha256/`, anything else is removed: nothing unverified is
//! ever served or fingerprinted.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;

#[cfg(unix)]
use std::os::unix::fs::OpenOptionsExt;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::evidence::{is_hash, EvidenceError, EvidenceStore};
use crate::files;

/// Where downloads under way keep their bytes.
pub(crate) const PARTIAL_DIR: &str = "partial";

/// Why a finished download was not taken into the store.
#[derive(Debug, Error)]
pub enum DownloadError {
    #[error("{0} is not a SHA-256")]
    NotAHash(String),
    /// The bytes are not the ones named: removed.
    #[error("the downloaded bytes hash to {actual}, not {expected} ({size} bytes); removed")]
    HashMismatch {
        expected: String,
        actual: String,
        size: u64,
    },
    /// More or fewer bytes than the hub declared: removed.
    #[error("{got} bytes downloaded for {hash}, not the {expected} declared; removed")]
    WrongSize {
        hash: String,
        expected: u64,
        got: u64,
    },
    #[error("cannot write the download: {0}")]
    Write(io::Error),
}

impl From<EvidenceError> for DownloadError {
    fn from(e: EvidenceError) -> DownloadError {
        match e {
            EvidenceError::Write(e) | EvidenceError::Unreadable { source: e, .. } => {
                DownloadError::Write(e)
            }
            other => DownloadError::Write(io::Error::other(other.to_string())),
        }
    }
}

/// A download's partial file, open for appending.
pub struct PartialFile {
    file: File,
    len: u64,
}

impl PartialFile {
    /// Bytes in the file so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends bytes received.
    pub fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Makes the bytes so far durable (an interruption after this resumes after them).
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }
}

impl EvidenceStore {
    fn partial_path(&self, hash: &str) -> Result<PathBuf, DownloadError> {
        if !is_hash(hash) {
            return Err(DownloadError::NotAHash(hash.to_string()));
        }
        Ok(self.root.join(PARTIAL_DIR).join(hash))
    }

    /// Whether the bytes with this hash are stored (complete and verified when they came in).
    pub fn holds(&self, hash: &str) -> bool {
        is_hash(hash) && self.path_of(hash).is_file()
    }

    /// Bytes of a download of `hash` kept so far (0 when none was begun).
    pub fn partial_len(&self, hash: &str) -> Result<u64, DownloadError> {
        match fs::metadata(self.partial_path(hash)?) {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(DownloadError::Write(e)),
        }
    }

    /// Opens the download of `hash` to continue it, or from the first byte when `restart`
    /// (the hub sent the whole file, or what was kept cannot be right).
    pub fn open_partial(&self, hash: &str, restart: bool) -> Result<PartialFile, DownloadError> {
        let path = self.partial_path(hash)?;
        let mut o = OpenOptions::new();
        o.create(true).append(true);
        #[cfg(unix)]
        o.mode(0o600);
        if restart {
            self.discard_partial(hash)?;
        }
        let file = o.open(&path).map_err(DownloadError::Write)?;
        files::restrict(&file).map_err(DownloadError::Write)?;
        let len = file.metadata().map_err(DownloadError::Write)?.len();
        Ok(PartialFile { file, len })
    }

    /// Removes what a download of `hash` kept.
    pub fn discard_partial(&self, hash: &str) -> Result<(), DownloadError> {
        match fs::remove_file(self.partial_path(hash)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(DownloadError::Write(e)),
            _ => Ok(()),
        }
    }

    /// Takes a complete download into the store if its bytes are `size` bytes hashing to
    /// `hash`; otherwise removes it and says why. The bytes are fsynced before they move.
    pub fn adopt_partial(&self, hash: &str, size: u64) -> Result<(), DownloadError> {
        let path = self.partial_path(hash)?;
        let checked = (|| {
            let mut f = File::open(&path).map_err(DownloadError::Write)?;
            let got = f.metadata().map_err(DownloadError::Write)?.len();
            if got != size {
                return Err(DownloadError::WrongSize {
                    hash: hash.to_string(),
                    expected: size,
                    got,
                });
            }
            let mut hasher = Sha256::new();
            io::copy(&mut f, &mut hasher).map_err(DownloadError::Write)?;
            let actual = hex::encode(hasher.finalize());
            if actual != hash {
                return Err(DownloadError::HashMismatch {
                    expected: hash.to_string(),
                    actual,
                    size,
                });
            }
            f.sync_all().map_err(DownloadError::Write)
        })();
        match checked {
            Ok(()) => Ok(self.put_in_place(&path, hash, size)?),
            Err(e) => {
                let _ = fs::remove_file(&path);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{hash_of, DEFAULT_MAX_BYTES};

    #[test]
    fn a_download_continues_after_reopening_and_is_verified() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes = b"%PDF-1.7 a dispatch note".to_vec();
        let hash = hash_of(&bytes);
        {
            let s = EvidenceStore::open(dir.path().join("ev"), DEFAULT_MAX_BYTES).expect("open");
            let mut p = s.open_partial(&hash, false).expect("partial");
            p.append(&bytes[..10]).expect("append");
            p.sync().expect("sync");
        }
        // Opening the store again (a restart) keeps the partial file.
        let s = EvidenceStore::open(dir.path().join("ev"), DEFAULT_MAX_BYTES).expect("reopen");
        assert_eq!(s.partial_len(&hash).expect("len"), 10);
        let mut p = s.open_partial(&hash, false).expect("partial");
        assert_eq!(p.len(), 10);
        p.append(&bytes[10..]).expect("append");
        assert!(!s.holds(&hash));
        s.adopt_partial(&hash, bytes.len() as u64).expect("adopt");
        assert!(s.holds(&hash));
        assert!(s.verify(&hash).expect("verify"));
        assert_eq!(s.partial_len(&hash).expect("len"), 0);
    }

    #[test]
    fn wrong_bytes_are_removed_and_nothing_is_stored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = EvidenceStore::open(dir.path().join("ev"), DEFAULT_MAX_BYTES).expect("open");
        let hash = hash_of(b"the real file");
        let mut p = s.open_partial(&hash, false).expect("partial");
        p.append(b"the fake file").expect("append");
        let e = s.adopt_partial(&hash, 13).expect_err("mismatch");
        assert!(matches!(e, DownloadError::HashMismatch { .. }), "{e}");
        assert!(!s.holds(&hash));
        assert_eq!(s.partial_len(&hash).expect("len"), 0);
        let mut p = s.open_partial(&hash, false).expect("partial");
        p.append(b"short").expect("append");
        assert!(matches!(
            s.adopt_partial(&hash, 13),
            Err(DownloadError::WrongSize { got: 5, .. })
        ));
        assert!(matches!(
            s.open_partial("../../etc/passwd", false),
            Err(DownloadError::NotAHash(_))
        ));
    }
}
