//! The SHA-256 of a file, read in blocks: the identity of "the same bytes".

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::MediaError;

/// The file's SHA-256 as 64 lowercase hex digits.
pub fn sha256_file(path: &Path) -> Result<String, MediaError> {
    let read_err = |source| MediaError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read_err)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(read_err)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
