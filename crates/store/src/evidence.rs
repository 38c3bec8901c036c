//! The content-addressed evidence store: files attached to a work order are copied under the
//! SHA-256 of their bytes (`sha256/aa/bb/<hash>`) in the app data folder, so the same photo is
//! stored once, the order references the hash, and the hub can later verify what it receives.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use casedesk_domain::EvidenceRef;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Default largest attachment: 50 MiB (photos and scanned PDFs; videos come with permits later).
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum EvidenceError {
    #[error("cannot read {path}: {source}")]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("{path} is not a regular file")]
    NotAFile { path: PathBuf },
    #[error("{path} is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path} is named .{ext} but its contents are not a {ext} file")]
    TypeMismatch { path: PathBuf, ext: String },
    #[error("{path}: only photos (jpg, png, webp) and PDF files can be attached")]
    Unsupported { path: PathBuf },
    #[error("cannot write to the evidence store: {0}")]
    Write(io::Error),
}

pub struct EvidenceStore {
    root: PathBuf,
    max_bytes: u64,
}

/// Tells whether a file's first bytes are those of its kind.
type MagicCheck = fn(&[u8]) -> bool;

/// File kinds we accept, by extension: their MIME type and the check of their first bytes.
fn expected_kind(ext: &str) -> Option<(&'static str, MagicCheck)> {
    fn jpeg(b: &[u8]) -> bool {
        b.starts_with(&[0xFF, 0xD8, 0xFF])
    }
    fn png(b: &[u8]) -> bool {
        b.starts_with(b"\x89PNG\r\n\x1a\n")
    }
    fn pdf(b: &[u8]) -> bool {
        b.starts_with(b"%PDF-")
    }
    fn webp(b: &[u8]) -> bool {
        b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP"
    }
    match ext {
        "jpg" | "jpeg" => Some(("image/jpeg", jpeg)),
        "png" => Some(("image/png", png)),
        "pdf" => Some(("application/pdf", pdf)),
        "webp" => Some(("image/webp", webp)),
        _ => None,
    }
}

impl EvidenceStore {
    pub fn new(root: PathBuf, max_bytes: u64) -> EvidenceStore {
        EvidenceStore { root, max_bytes }
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Where the bytes with this hash live.
    pub fn path_of(&self, hash: &str) -> PathBuf {
        self.root
            .join("sha256")
            .join(&hash[0..2])
            .join(&hash[2..4])
            .join(hash)
    }

    /// Checks a file and copies it into the store. Nothing is stored when the file is refused.
    pub fn import(&self, src: &Path) -> Result<EvidenceRef, EvidenceError> {
        let unreadable = |source| EvidenceError::Unreadable {
            path: src.to_path_buf(),
            source,
        };
        let meta = fs::metadata(src).map_err(unreadable)?;
        if !meta.is_file() {
            return Err(EvidenceError::NotAFile {
                path: src.to_path_buf(),
            });
        }
        if meta.len() > self.max_bytes {
            return Err(EvidenceError::TooLarge {
                path: src.to_path_buf(),
                size: meta.len(),
                limit: self.max_bytes,
            });
        }
        let ext = src
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_default();
        let (mime, check) = expected_kind(&ext).ok_or_else(|| EvidenceError::Unsupported {
            path: src.to_path_buf(),
        })?;
        let mut input = File::open(src).map_err(unreadable)?;
        let mut head = [0u8; 16];
        let n = read_up_to(&mut input, &mut head).map_err(unreadable)?;
        if !check(&head[..n]) {
            return Err(EvidenceError::TypeMismatch {
                path: src.to_path_buf(),
                ext,
            });
        }

        let tmp_dir = self.root.join("tmp");
        fs::create_dir_all(&tmp_dir).map_err(EvidenceError::Write)?;
        let tmp_path = tmp_dir.join(uuid::Uuid::now_v7().to_string());
        let result = self.copy_hashed(&mut input, &head[..n], &tmp_path, src);
        let (hash, size) = match result {
            Ok(v) => v,
            Err(e) => {
                let _ = fs::remove_file(&tmp_path);
                return Err(e);
            }
        };
        let dest = self.path_of(&hash);
        if dest.exists() {
            let _ = fs::remove_file(&tmp_path);
        } else {
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).map_err(EvidenceError::Write)?;
            }
            fs::rename(&tmp_path, &dest).map_err(EvidenceError::Write)?;
        }
        let file_name = src
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| hash.clone());
        Ok(EvidenceRef {
            hash,
            file_name,
            size,
            mime: mime.to_string(),
        })
    }

    fn copy_hashed(
        &self,
        input: &mut File,
        head: &[u8],
        tmp_path: &Path,
        src: &Path,
    ) -> Result<(String, u64), EvidenceError> {
        let mut out = File::create(tmp_path).map_err(EvidenceError::Write)?;
        let mut hasher = Sha256::new();
        hasher.update(head);
        out.write_all(head).map_err(EvidenceError::Write)?;
        let mut size = head.len() as u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = input
                .read(&mut buf)
                .map_err(|source| EvidenceError::Unreadable {
                    path: src.to_path_buf(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            size += n as u64;
            // The file may have grown since we looked at its size.
            if size > self.max_bytes {
                return Err(EvidenceError::TooLarge {
                    path: src.to_path_buf(),
                    size,
                    limit: self.max_bytes,
                });
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(EvidenceError::Write)?;
        }
        out.sync_all().map_err(EvidenceError::Write)?;
        Ok((hex::encode(hasher.finalize()), size))
    }

    /// Re-reads stored bytes and checks them against their name.
    pub fn verify(&self, hash: &str) -> io::Result<bool> {
        let mut f = File::open(self.path_of(hash))?;
        let mut hasher = Sha256::new();
        io::copy(&mut f, &mut hasher)?;
        Ok(hex::encode(hasher.finalize()) == hash)
    }
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = f.read(&mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path, max: u64) -> EvidenceStore {
        EvidenceStore::new(dir.join("evidence"), max)
    }

    #[test]
    fn stores_by_hash_once_and_verifies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let photo = dir.path().join("现场照片.png");
        fs::write(&photo, b"\x89PNG\r\n\x1a\nrest of the picture").expect("write");
        let s = store(dir.path(), 1024);
        let a = s.import(&photo).expect("import");
        let b = s.import(&photo).expect("import again");
        assert_eq!(a, b);
        assert_eq!(a.mime, "image/png");
        assert_eq!(a.file_name, "现场照片.png");
        let stored = s.path_of(&a.hash);
        assert!(stored.starts_with(dir.path().join("evidence/sha256").join(&a.hash[0..2])));
        assert!(s.verify(&a.hash).expect("verify"));
        assert_eq!(
            fs::read_dir(dir.path().join("evidence/tmp"))
                .expect("tmp")
                .count(),
            0
        );
    }

    #[test]
    fn refuses_bad_files_and_stores_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = store(dir.path(), 32);
        let fake = dir.path().join("photo.jpg");
        fs::write(&fake, b"this is text, not a jpeg").expect("write");
        assert!(matches!(
            s.import(&fake),
            Err(EvidenceError::TypeMismatch { .. })
        ));
        let big = dir.path().join("scan.pdf");
        fs::write(&big, [b"%PDF-1.7".as_slice(), &[0u8; 64]].concat()).expect("write");
        assert!(matches!(
            s.import(&big),
            Err(EvidenceError::TooLarge { .. })
        ));
        assert!(matches!(
            s.import(&dir.path().join("missing.png")),
            Err(EvidenceError::Unreadable { .. })
        ));
        assert!(matches!(
            s.import(dir.path()),
            Err(EvidenceError::NotAFile { .. })
        ));
        let exe = dir.path().join("tool.exe");
        fs::write(&exe, b"MZ").expect("write");
        assert!(matches!(
            s.import(&exe),
            Err(EvidenceError::Unsupported { .. })
        ));
        assert!(!dir.path().join("evidence/sha256").exists());
    }
}
