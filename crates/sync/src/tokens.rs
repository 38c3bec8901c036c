//! Where the desk keeps its tokens between runs: the OS keyring (Secret Service), as the
//! architecture asks, or, only when `CASEDESK_TOKEN_STORE=file` is set (tests, headless CI),
//! an owner-only file in the data folder. The password is never stored anywhere.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{SyncError, Tokens};

/// Set to `file` to keep tokens in [`TOKEN_FILE`] in the data folder instead of the keyring.
pub const TOKEN_STORE_ENV: &str = "CASEDESK_TOKEN_STORE";
/// The token file's name inside the data folder (mode 0600).
pub const TOKEN_FILE: &str = "hub-token.json";
const KEYRING_SERVICE: &str = "casedesk";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStoreKind {
    Keyring,
    File,
}

#[derive(Debug, Clone)]
pub struct TokenStore {
    kind: TokenStoreKind,
    data_dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct FileRecord {
    account: String,
    tokens: Tokens,
}

fn keyring_error(e: keyring::Error) -> SyncError {
    SyncError::TokenStore {
        message_zh: format!(
            "无法使用系统密钥环保存登录凭据（{e}）；请确认桌面密钥环服务已启动后重试"
        ),
        message_en: format!(
            "the system keyring cannot be used to keep the sign-in ({e}); make sure the desktop keyring service is running and try again"
        ),
    }
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> SyncError {
    SyncError::TokenStore {
        message_zh: format!("无法读写登录凭据文件 {}：{e}", path.display()),
        message_en: format!(
            "cannot read or write the token file {}: {e}",
            path.display()
        ),
    }
}

impl TokenStore {
    /// The keyring, unless `CASEDESK_TOKEN_STORE=file` asks for the file in `data_dir`.
    pub fn from_env(data_dir: &Path) -> TokenStore {
        let kind = match std::env::var(TOKEN_STORE_ENV).as_deref() {
            Ok("file") => TokenStoreKind::File,
            _ => TokenStoreKind::Keyring,
        };
        TokenStore::new(kind, data_dir)
    }

    pub fn new(kind: TokenStoreKind, data_dir: &Path) -> TokenStore {
        TokenStore {
            kind,
            data_dir: data_dir.to_path_buf(),
        }
    }

    pub fn kind(&self) -> TokenStoreKind {
        self.kind
    }

    fn file(&self) -> PathBuf {
        self.data_dir.join(TOKEN_FILE)
    }

    pub fn save(&self, account: &str, tokens: &Tokens) -> Result<(), SyncError> {
        match self.kind {
            TokenStoreKind::Keyring => {
                let json = serde_json::to_string(tokens)
                    .map_err(|e| SyncError::Protocol(e.to_string()))?;
                keyring::Entry::new(KEYRING_SERVICE, account)
                    .and_then(|e| e.set_password(&json))
                    .map_err(keyring_error)
            }
            TokenStoreKind::File => {
                let path = self.file();
                let record = FileRecord {
                    account: account.to_string(),
                    tokens: tokens.clone(),
                };
                let json =
                    serde_json::to_vec(&record).map_err(|e| SyncError::Protocol(e.to_string()))?;
                // Written beside, then renamed: a crash never leaves half a token file.
                let tmp = self.data_dir.join(format!("{TOKEN_FILE}.tmp"));
                let _ = std::fs::remove_file(&tmp);
                let mut f = private_create(&tmp).map_err(|e| file_error(&tmp, e))?;
                f.write_all(&json)
                    .and_then(|()| f.sync_all())
                    .map_err(|e| file_error(&tmp, e))?;
                std::fs::rename(&tmp, &path).map_err(|e| file_error(&path, e))
            }
        }
    }

    /// The tokens kept for `account`, if any.
    pub fn load(&self, account: &str) -> Result<Option<Tokens>, SyncError> {
        match self.kind {
            TokenStoreKind::Keyring => {
                let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(keyring_error)?;
                match entry.get_password() {
                    Ok(json) => Ok(serde_json::from_str(&json).ok()),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(keyring_error(e)),
                }
            }
            TokenStoreKind::File => {
                let path = self.file();
                match std::fs::read(&path) {
                    Ok(bytes) => Ok(serde_json::from_slice::<FileRecord>(&bytes)
                        .ok()
                        .filter(|r| r.account == account)
                        .map(|r| r.tokens)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(file_error(&path, e)),
                }
            }
        }
    }

    /// Forgets the tokens (nothing to forget is fine).
    pub fn delete(&self, account: &str) -> Result<(), SyncError> {
        match self.kind {
            TokenStoreKind::Keyring => {
                let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(keyring_error)?;
                match entry.delete_credential() {
                    Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(e) => Err(keyring_error(e)),
                }
            }
            TokenStoreKind::File => {
                let path = self.file();
                match std::fs::remove_file(&path) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(e) => Err(file_error(&path, e)),
                }
            }
        }
    }
}

#[cfg(unix)]
fn private_create(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_create(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_store_is_private_and_per_account() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = TokenStore::new(TokenStoreKind::File, dir.path());
        let t = Tokens {
            access_token: "a".into(),
            refresh_token: "r".into(),
        };
        assert_eq!(store.load("me").expect("load"), None);
        store.save("me", &t).expect("save");
        assert_eq!(store.load("me").expect("load"), Some(t.clone()));
        assert_eq!(store.load("someone else").expect("load"), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(TOKEN_FILE))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        store.delete("me").expect("delete");
        store.delete("me").expect("delete twice");
        assert_eq!(store.load("me").expect("load"), None);
    }
}
