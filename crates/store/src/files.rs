//! Private, durable files. The cache and the evidence store hold case material: their files are
//! readable by their user only (0600 files, 0700 folders on unix), set explicitly so that no
//! umask widens (or narrows) them; and a file created or renamed into a folder survives a power
//! cut only once that folder has been fsynced too.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Owner read and write.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;
/// Owner read, write and search.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;

/// Creates `path`, which must not exist yet, for writing, readable by its user only.
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    o.mode(FILE_MODE);
    let f = o.open(path)?;
    // The mode given to open is cut by the umask; set it outright.
    restrict(&f)?;
    Ok(f)
}

/// Makes sure `path` exists (creating it empty if needed) and is readable by its user only.
/// Existing contents are left alone.
///
/// Only a missing file is opened here: closing a descriptor drops every POSIX lock this process
/// holds on the file, including SQLite's, so files SQLite may have open are changed by path.
pub(crate) fn ensure_private_file(path: &Path) -> io::Result<()> {
    match create_new_private(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => restrict_path(path),
        Err(e) => Err(e),
    }
}

/// Sets an open file to owner-only, on the handle (no second path lookup).
pub(crate) fn restrict(f: &File) -> io::Result<()> {
    #[cfg(unix)]
    f.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
    #[cfg(not(unix))]
    let _ = f;
    Ok(())
}

/// Sets a file to owner-only by its path, without opening it.
fn restrict_path(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::set_permissions(path, fs::Permissions::from_mode(FILE_MODE))?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Sets a file to owner-only if it is there (SQLite's -wal and -shm come and go).
pub(crate) fn restrict_if_present(path: &Path) -> io::Result<()> {
    match restrict_path(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

/// Creates `dir` and any missing parents as owner-only folders, each made durable in its parent,
/// and sets `dir` itself to owner-only even if it already existed.
pub(crate) fn private_dir_all(dir: &Path) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut at = dir;
    while !at.exists() {
        missing.push(at);
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => break,
        }
    }
    for d in missing.into_iter().rev() {
        let mut b = fs::DirBuilder::new();
        #[cfg(unix)]
        b.mode(DIR_MODE);
        match b.create(d) {
            Ok(()) => {}
            // Another process made it at the same moment: as good as ours.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(e) => return Err(e),
        }
        restrict_dir(d)?;
        if let Some(parent) = d.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
    }
    restrict_dir(dir)
}

fn restrict_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Makes the folder's entries (a created or renamed file) durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    // Windows cannot open a folder as a file; NTFS journals its metadata.
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Opens a file for reading without blocking: a FIFO or a device named as evidence would
/// otherwise hang `open` before we could look at what it is.
pub(crate) fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    o.custom_flags(libc::O_NONBLOCK);
    o.open(path)
}

#[cfg(all(test, unix))]
pub(crate) fn mode_of(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_files_and_folders_whatever_was_there() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("a/b/c");
        private_dir_all(&nested).expect("dirs");
        for d in ["a", "a/b", "a/b/c"] {
            assert_eq!(mode_of(&dir.path().join(d)), 0o700, "{d}");
        }
        let open = dir.path().join("open");
        fs::create_dir(&open).expect("dir");
        fs::set_permissions(&open, fs::Permissions::from_mode(0o755)).expect("chmod");
        private_dir_all(&open).expect("existing dir");
        assert_eq!(mode_of(&open), 0o700);

        let file = dir.path().join("f");
        fs::write(&file, b"kept").expect("write");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).expect("chmod");
        ensure_private_file(&file).expect("restrict");
        assert_eq!(mode_of(&file), 0o600);
        assert_eq!(fs::read(&file).expect("read"), b"kept");
        create_new_private(&nested.join("new")).expect("new");
        assert_eq!(mode_of(&nested.join("new")), 0o600);
        assert!(
            create_new_private(&nested.join("new")).is_err(),
            "never reused"
        );
        restrict_if_present(&dir.path().join("absent")).expect("absent is fine");
    }
}
