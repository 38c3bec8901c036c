//! The client's side of fetching a stored file by hash (`GET /api/v1/evidence/{sha256}`), from
//! a byte offset with `Range: bytes=N-` so that a download cut short continues where it
//! stopped. Where the bytes go, and checking them against their hash, is the desk's.

use std::time::Duration;

use reqwest::{Response, StatusCode};

use crate::{HubClient, SyncError};

/// A download may take longer than an API call; it resumes if cut off anyway.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The hub's answer to a download from an offset.
pub enum DownloadStart {
    /// 206: the bytes from the offset asked for follow.
    FromOffset(DownloadBody),
    /// 200: the whole file follows (the offset was 0, or the range was not honoured).
    Whole(DownloadBody),
    /// 416: the offset is at or past the end of the file, which has `size` bytes.
    PastTheEnd { size: u64 },
}

/// The bytes of a download as they arrive.
pub struct DownloadBody {
    response: Response,
    base: String,
}

impl DownloadBody {
    /// The next bytes; None at the end. A connection lost mid-way is [`SyncError::Offline`].
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, SyncError> {
        match self.response.chunk().await {
            Ok(c) => Ok(c.map(|b| b.to_vec())),
            Err(e) => Err(SyncError::Offline {
                url: self.base.clone(),
                reason: e.to_string(),
            }),
        }
    }
}

impl HubClient {
    /// Asks for the file `sha256` from byte `offset` on. The hub refuses (403) a file of no
    /// application or order in the caller's jurisdiction, and says 404 for an unknown one.
    pub async fn download_evidence(
        &mut self,
        sha256: &str,
        offset: u64,
    ) -> Result<DownloadStart, SyncError> {
        let url = self.url(&format!("/evidence/{sha256}"));
        let r = self
            .authed_response(|http, token| {
                let req = http.get(&url).bearer_auth(token).timeout(DOWNLOAD_TIMEOUT);
                if offset > 0 {
                    req.header(reqwest::header::RANGE, format!("bytes={offset}-"))
                } else {
                    req
                }
            })
            .await?;
        let base = self.base_url().to_string();
        match r.status() {
            StatusCode::PARTIAL_CONTENT => Ok(DownloadStart::FromOffset(DownloadBody {
                response: r,
                base,
            })),
            StatusCode::OK => Ok(DownloadStart::Whole(DownloadBody { response: r, base })),
            StatusCode::RANGE_NOT_SATISFIABLE => {
                let size = r
                    .headers()
                    .get(reqwest::header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("bytes */"))
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or_else(|| {
                        SyncError::Protocol("a 416 answer without Content-Range".into())
                    })?;
                Ok(DownloadStart::PastTheEnd { size })
            }
            _ => Err(self.read::<()>(r).await.err().unwrap_or_else(|| {
                SyncError::Protocol("the hub answered a download with no body".into())
            })),
        }
    }
}
