//! The cache (with its -wal and -shm) and the evidence store are readable by their user only,
//! whatever the umask: a child process (this test binary re-run with CASEDESK_PRIVATE_CHILD)
//! creates both under a permissive umask (000) and under one that would lock the user out of
//! their own folders (277), and reports the modes while the cache is open.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use casedesk_store::evidence::DEFAULT_MAX_BYTES;
use casedesk_store::{EvidenceStore, Store};

fn mode(p: &Path) -> u32 {
    fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn private_child() {
    let Ok(dir) = std::env::var("CASEDESK_PRIVATE_CHILD") else {
        return; // Only does work when re-run by `created_private_whatever_the_umask`.
    };
    let dir = PathBuf::from(dir);
    let store = Store::open(&dir.join("cache.sqlite")).expect("open");
    store.set_setting("k", "v").expect("write");
    let photo = dir.join("photo.png");
    fs::write(&photo, b"\x89PNG\r\n\x1a\nprivate").expect("photo");
    let evidence =
        EvidenceStore::open(dir.join("evidence"), DEFAULT_MAX_BYTES).expect("evidence store");
    let stored = evidence.path_of(&evidence.import(&photo).expect("import").hash);
    let mut paths = vec![
        dir.join("cache.sqlite"),
        dir.join("cache.sqlite-wal"),
        dir.join("cache.sqlite-shm"),
        stored.clone(),
        dir.join("evidence/tmp"),
    ];
    paths.extend(
        stored
            .ancestors()
            .skip(1)
            .take_while(|p| p.starts_with(dir.join("evidence")))
            .map(Path::to_path_buf),
    );
    for p in paths {
        println!("\nmode {:o} {}", mode(&p), p.display());
    }
}

#[test]
fn created_private_whatever_the_umask() {
    for umask in ["000", "277"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = Command::new("sh")
            .args(["-c", &format!("umask {umask} && exec \"$0\" \"$@\"")])
            .arg(std::env::current_exe().expect("exe"))
            .args([
                "private_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CASEDESK_PRIVATE_CHILD", dir.path())
            .output()
            .expect("child ran");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "umask {umask}: {text}");
        let modes: Vec<(&str, &str)> = text
            .lines()
            .filter_map(|l| l.strip_prefix("mode "))
            .filter_map(|l| l.split_once(' '))
            .collect();
        assert_eq!(modes.len(), 9, "umask {umask}: {text}");
        for (mode, path) in modes {
            let want = if Path::new(path).is_dir() {
                "700"
            } else {
                "600"
            };
            assert_eq!(mode, want, "umask {umask}: {path}");
        }
    }
}
