//! The content-addressed evidence store: files attached to a work order are copied under the
//! SHA-256 of their bytes (`sha256/aa/bb/<hash>`) in the app data folder, so the same photo is
//! stored once, the order references the hash, and the hub can later verify what it receives.
//!
//! A file is opened once and judged on that handle (type, size, first bytes), so what is checked
//! is what is copied. The copy goes to `tmp/` while hashed, is fsynced, renamed into place, and
//! its folder fsynced: once `import` returns, the bytes survive a power cut, and the commit that
//! references them never points at nothing. A copy cut short (crash, full disk) is removed from
//! `tmp/` the next time the store is opened. Files are readable by their user only.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use casedesk_domain::EvidenceRef;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::files;

/// Default largest attachment: 50 MiB (photos and scanned PDFs; videos come with permits later).
pub const DEFAULT_MAX_BYTES: u64 = casedesk_domain::evidence::MAX_EVIDENCE_BYTES;

/// Where copies are written before they are complete.
const TMP_DIR: &str = "tmp";
/// Where complete copies live, by hash.
const STORE_DIR: &str = "sha256";

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

impl EvidenceError {
    /// The same refusal naming the file by its name alone: what the window shows beside the
    /// field, where the folder (perhaps a temporary one of the file chooser) means nothing.
    pub fn by_file_name(self) -> EvidenceError {
        let short = |path: PathBuf| PathBuf::from(file_name_of(&path));
        match self {
            EvidenceError::Unreadable { path, source } => EvidenceError::Unreadable {
                path: short(path),
                source,
            },
            EvidenceError::NotAFile { path } => EvidenceError::NotAFile { path: short(path) },
            EvidenceError::TooLarge { path, size, limit } => EvidenceError::TooLarge {
                path: short(path),
                size,
                limit,
            },
            EvidenceError::TypeMismatch { path, ext } => EvidenceError::TypeMismatch {
                path: short(path),
                ext,
            },
            EvidenceError::Unsupported { path } => EvidenceError::Unsupported { path: short(path) },
            EvidenceError::Write(e) => EvidenceError::Write(e),
        }
    }
}

/// A handle on the store's folder: cheap to clone, so a long copy can run without holding the
/// desk.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    pub(crate) root: PathBuf,
    max_bytes: u64,
}

/// A source file that passed the checks: its open handle, read past its first bytes.
struct Checked<'a> {
    src: &'a Path,
    input: File,
    size: u64,
    head: [u8; HEAD_LEN],
    head_len: usize,
    mime: &'static str,
}

/// Bytes read to check a file's kind.
const HEAD_LEN: usize = 16;

pub use casedesk_domain::evidence::{is_hash, kind_of_extension, EvidenceKind, ACCEPTED_KINDS};

/// The name stored bytes get: their SHA-256 in lower-case hex.
pub fn hash_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file that would be accepted, as judged now (it is judged again when copied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub file_name: String,
    pub size: u64,
    pub mime: &'static str,
}

impl EvidenceStore {
    /// Opens the store under `root`, creating its folders (owner-only), and removes what copies
    /// cut short by a crash or a full disk left in `tmp/`.
    ///
    /// Another process importing into the same store at this moment would lose its copy in
    /// progress: its import then fails (the rename finds nothing) and nothing is recorded.
    pub fn open(root: PathBuf, max_bytes: u64) -> Result<EvidenceStore, EvidenceError> {
        // The root too when it exists: one closed folder keeps others out of all beneath it,
        // files an earlier version left world-readable included.
        files::private_dir_all(&root).map_err(EvidenceError::Write)?;
        files::private_dir_all(&root.join(STORE_DIR)).map_err(EvidenceError::Write)?;
        let tmp = root.join(TMP_DIR);
        files::private_dir_all(&tmp).map_err(EvidenceError::Write)?;
        clear(&tmp).map_err(EvidenceError::Write)?;
        // Not cleared: a download cut short continues from its partial file after a restart.
        files::private_dir_all(&root.join(crate::evidence_download::PARTIAL_DIR))
            .map_err(EvidenceError::Write)?;
        Ok(EvidenceStore { root, max_bytes })
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    pub fn set_max_bytes(&mut self, max_bytes: u64) {
        self.max_bytes = max_bytes;
    }

    /// Where the bytes with this hash live. `hash` must pass [`is_hash`].
    pub fn path_of(&self, hash: &str) -> PathBuf {
        self.root
            .join(STORE_DIR)
            .join(&hash[0..2])
            .join(&hash[2..4])
            .join(hash)
    }

    /// Judges a file as [`EvidenceStore::import`] would, without copying it: what the window
    /// shows when a file is chosen or dropped, before the record is made.
    pub fn inspect(&self, src: &Path) -> Result<Inspected, EvidenceError> {
        let checked = self.check(src)?;
        Ok(Inspected {
            file_name: file_name_of(src),
            size: checked.size,
            mime: checked.mime,
        })
    }

    /// Opens the stored bytes with this hash for reading; `None` for anything that is not a hash
    /// or not stored.
    pub fn open_stored(&self, hash: &str) -> io::Result<Option<File>> {
        if !is_hash(hash) {
            return Ok(None);
        }
        match File::open(self.path_of(hash)) {
            Ok(f) => Ok(Some(f)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Checks a file and copies it into the store. Nothing is stored when the file is refused.
    pub fn import(&self, src: &Path) -> Result<EvidenceRef, EvidenceError> {
        let checked = self.check(src)?;
        self.copy_in(checked)
    }

    /// The files of one record: every file is checked before any is copied (a bad one refuses
    /// them all and stores nothing), and the same bytes attached twice are listed once, under
    /// the first name, in the order first given.
    pub fn import_all(&self, srcs: &[PathBuf]) -> Result<Vec<EvidenceRef>, EvidenceError> {
        let checked = srcs
            .iter()
            .map(|src| self.check(src))
            .collect::<Result<Vec<_>, _>>()?;
        let mut refs: Vec<EvidenceRef> = Vec::with_capacity(checked.len());
        for c in checked {
            let r = self.copy_in(c)?;
            if !refs.iter().any(|seen| seen.hash == r.hash) {
                refs.push(r);
            }
        }
        Ok(refs)
    }

    /// Opens `src` and judges it on the open handle: a regular file, within the size limit,
    /// with an accepted extension and first bytes of that kind.
    fn check<'a>(&self, src: &'a Path) -> Result<Checked<'a>, EvidenceError> {
        let unreadable = |source| EvidenceError::Unreadable {
            path: src.to_path_buf(),
            source,
        };
        let mut input = files::open_nonblocking(src).map_err(unreadable)?;
        let meta = input.metadata().map_err(unreadable)?;
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
        let kind = kind_of_extension(&ext).ok_or_else(|| EvidenceError::Unsupported {
            path: src.to_path_buf(),
        })?;
        let mut head = [0u8; HEAD_LEN];
        let head_len = read_up_to(&mut input, &mut head).map_err(unreadable)?;
        if !kind.looks_right(&head[..head_len]) {
            return Err(EvidenceError::TypeMismatch {
                path: src.to_path_buf(),
                ext,
            });
        }
        Ok(Checked {
            src,
            input,
            size: meta.len(),
            head,
            head_len,
            mime: kind.mime,
        })
    }

    /// Copies a checked file into the store, durably.
    fn copy_in(&self, mut c: Checked<'_>) -> Result<EvidenceRef, EvidenceError> {
        let tmp_path = self
            .root
            .join(TMP_DIR)
            .join(uuid::Uuid::now_v7().to_string());
        let copied = self
            .copy_hashed(&mut c.input, &c.head[..c.head_len], &tmp_path, c.src)
            .and_then(|(hash, size)| {
                self.put_in_place(&tmp_path, &hash, size)?;
                Ok((hash, size))
            });
        let (hash, size) = match copied {
            Ok(v) => v,
            Err(e) => {
                let _ = fs::remove_file(&tmp_path);
                return Err(e);
            }
        };
        Ok(EvidenceRef {
            file_name: file_name_of(c.src),
            hash,
            size,
            mime: c.mime.to_string(),
        })
    }

    /// Moves a complete, fsynced copy to its place and makes its folder entry durable.
    pub(crate) fn put_in_place(
        &self,
        tmp_path: &Path,
        hash: &str,
        size: u64,
    ) -> Result<(), EvidenceError> {
        let dest = self.path_of(hash);
        let dir = dest
            .parent()
            .ok_or_else(|| EvidenceError::Write(io::Error::other("no folder for the hash")))?;
        files::private_dir_all(dir).map_err(EvidenceError::Write)?;
        // The same bytes are already there (only complete copies are ever renamed in); keeping
        // them spares a rename over a file that may be open.
        let there = fs::metadata(&dest).is_ok_and(|m| m.is_file() && m.len() == size);
        if there {
            fs::remove_file(tmp_path).map_err(EvidenceError::Write)?;
        } else {
            fs::rename(tmp_path, &dest).map_err(EvidenceError::Write)?;
        }
        // Also when it was there: its importer may have crashed before this fsync.
        files::sync_dir(dir).map_err(EvidenceError::Write)
    }

    fn copy_hashed(
        &self,
        input: &mut File,
        head: &[u8],
        tmp_path: &Path,
        src: &Path,
    ) -> Result<(String, u64), EvidenceError> {
        let mut out = files::create_new_private(tmp_path).map_err(EvidenceError::Write)?;
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
        // The bytes reach the disk before the name that points at them.
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

/// The name a file is listed under: its own name, without the folder.
fn file_name_of(src: &Path) -> String {
    src.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| src.to_string_lossy().into_owned())
}

/// Removes everything in `dir` (not `dir` itself); what another process removed first is fine.
fn clear(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let removed = if entry.file_type()?.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        match removed {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
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

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

    fn store(dir: &Path, max: u64) -> EvidenceStore {
        EvidenceStore::open(dir.join("evidence"), max).expect("open store")
    }

    /// Every file under the store's `sha256/` folder.
    fn stored_files(dir: &Path) -> Vec<PathBuf> {
        fn walk(d: &Path, out: &mut Vec<PathBuf>) {
            for e in fs::read_dir(d).expect("read dir") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(&dir.join("evidence/sha256"), &mut out);
        out
    }

    fn tmp_entries(dir: &Path) -> usize {
        fs::read_dir(dir.join("evidence/tmp")).expect("tmp").count()
    }

    #[test]
    fn stores_by_hash_once_and_verifies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let photo = dir.path().join("现场照片.png");
        fs::write(&photo, [PNG, b"rest of the picture"].concat()).expect("write");
        let s = store(dir.path(), 1024);
        let a = s.import(&photo).expect("import");
        let b = s.import(&photo).expect("import again");
        assert_eq!(a, b);
        assert_eq!(a.mime, "image/png");
        assert_eq!(a.file_name, "现场照片.png");
        let stored = s.path_of(&a.hash);
        assert!(stored.starts_with(dir.path().join("evidence/sha256").join(&a.hash[0..2])));
        assert!(s.verify(&a.hash).expect("verify"));
        assert_eq!(stored_files(dir.path()), [stored]);
        assert_eq!(tmp_entries(dir.path()), 0);
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
        assert!(stored_files(dir.path()).is_empty());
        assert_eq!(tmp_entries(dir.path()), 0);
    }

    /// A FIFO named like a photo is refused at once: opening it does not wait for a writer.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_hanging() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe.png");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("mkfifo unavailable; skipped");
            return;
        }
        let s = store(dir.path(), 1024);
        assert!(matches!(
            s.import(&fifo),
            Err(EvidenceError::NotAFile { .. })
        ));
    }

    #[test]
    fn accepted_kinds_are_photos_and_pdf_only() {
        assert_eq!(
            kind_of_extension("JPEG").map(|k| k.mime),
            Some("image/jpeg")
        );
        assert_eq!(kind_of_extension("pdf").map(|k| k.photo), Some(false));
        for refused in ["heic", "bmp", "gif", "tiff", "exe", ""] {
            assert!(kind_of_extension(refused).is_none(), "{refused}");
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let s = store(dir.path(), 1024);
        for name in ["IMG_0001.HEIC", "scan.bmp", "anim.gif"] {
            let f = dir.path().join(name);
            fs::write(&f, [PNG, b"whatever"].concat()).expect("write");
            assert!(matches!(
                s.inspect(&f),
                Err(EvidenceError::Unsupported { .. })
            ));
        }
    }

    #[test]
    fn inspect_judges_without_storing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let photo = dir.path().join("现场.PNG");
        fs::write(&photo, [PNG, b"picture"].concat()).expect("write");
        let s = store(dir.path(), 1024);
        let seen = s.inspect(&photo).expect("inspect");
        assert_eq!(
            seen,
            Inspected {
                file_name: "现场.PNG".into(),
                size: 15,
                mime: "image/png"
            }
        );
        let fake = dir.path().join("fake.pdf");
        fs::write(&fake, b"not a pdf").expect("write");
        let refused = s.inspect(&fake).expect_err("refused").by_file_name();
        assert_eq!(
            refused.to_string(),
            "fake.pdf is named .pdf but its contents are not a pdf file"
        );
        assert!(stored_files(dir.path()).is_empty());
    }

    #[test]
    fn only_hashes_open_stored_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let photo = dir.path().join("p.png");
        fs::write(&photo, [PNG, b"stored"].concat()).expect("write");
        let s = store(dir.path(), 1024);
        let r = s.import(&photo).expect("import");
        assert!(s.open_stored(&r.hash).expect("open").is_some());
        let upper = r.hash.to_uppercase();
        let unknown = "0".repeat(64);
        for not_ours in [
            "../../cache.sqlite",
            "",
            "ab",
            upper.as_str(),
            unknown.as_str(),
        ] {
            assert!(
                s.open_stored(not_ours).expect("open").is_none(),
                "{not_ours}"
            );
        }
    }

    #[test]
    fn import_all_lists_the_same_bytes_once_in_first_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("前.png");
        let b = dir.path().join("后.pdf");
        let a_again = dir.path().join("前-副本.PNG");
        fs::write(&a, [PNG, b"front"].concat()).expect("write");
        fs::write(&b, b"%PDF-1.7 report").expect("write");
        fs::copy(&a, &a_again).expect("copy");
        let s = store(dir.path(), 1024);
        let refs = s
            .import_all(&[a.clone(), b.clone(), a_again, a])
            .expect("import");
        let names: Vec<&str> = refs.iter().map(|r| r.file_name.as_str()).collect();
        assert_eq!(names, ["前.png", "后.pdf"]);
        assert_eq!(stored_files(dir.path()).len(), 2);
        assert_eq!(tmp_entries(dir.path()), 0);
    }

    #[test]
    fn import_all_stores_nothing_when_one_file_is_bad() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("good.png");
        let bad = dir.path().join("bad.jpg");
        fs::write(&good, [PNG, b"fine"].concat()).expect("write");
        fs::write(&bad, b"not a jpeg").expect("write");
        let s = store(dir.path(), 1024);
        assert!(matches!(
            s.import_all(&[good, bad]),
            Err(EvidenceError::TypeMismatch { .. })
        ));
        assert!(stored_files(dir.path()).is_empty(), "the good file waited");
    }

    #[test]
    fn opening_removes_copies_cut_short() {
        let dir = tempfile::tempdir().expect("tempdir");
        let photo = dir.path().join("p.png");
        fs::write(&photo, [PNG, b"kept"].concat()).expect("write");
        let kept = store(dir.path(), 1024).import(&photo).expect("import");
        // What a crash mid-copy leaves: a partial file (and, from some other tool, a folder).
        let tmp = dir.path().join("evidence/tmp");
        fs::write(tmp.join("0190-cut-short"), &PNG[..4]).expect("partial");
        fs::create_dir(tmp.join("stray")).expect("stray dir");
        fs::write(tmp.join("stray/x"), b"x").expect("stray file");
        let s = store(dir.path(), 1024);
        assert_eq!(tmp_entries(dir.path()), 0);
        assert!(s.verify(&kept.hash).expect("verify"), "stored files stay");
    }

    #[test]
    fn a_stored_copy_of_the_wrong_size_is_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let photo = dir.path().join("p.png");
        fs::write(&photo, [PNG, b"whole picture"].concat()).expect("write");
        let s = store(dir.path(), 1024);
        let r = s.import(&photo).expect("import");
        fs::write(s.path_of(&r.hash), &PNG[..3]).expect("damage");
        assert!(!s.verify(&r.hash).expect("verify"));
        s.import(&photo).expect("import again");
        assert!(s.verify(&r.hash).expect("verify"), "repaired");
    }

    #[cfg(unix)]
    #[test]
    fn files_and_folders_are_readable_by_their_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        // An evidence folder left world-readable by an earlier version is closed on open.
        let root = dir.path().join("evidence");
        fs::create_dir(&root).expect("old root");
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("chmod");
        let photo = dir.path().join("p.png");
        fs::write(&photo, [PNG, b"private"].concat()).expect("write");
        let s = store(dir.path(), 1024);
        let r = s.import(&photo).expect("import");
        let file = s.path_of(&r.hash);
        assert_eq!(files::mode_of(&file), 0o600);
        let mut d = file.parent();
        while let Some(p) = d.filter(|p| p.starts_with(&root)) {
            assert_eq!(files::mode_of(p), 0o700, "{}", p.display());
            d = p.parent();
        }
        assert_eq!(files::mode_of(&root.join("tmp")), 0o700);
    }
}
