//! The client's side of the evidence upload (docs/sync-protocol.md, "Evidence"): create an
//! upload, ask where it stands (HEAD), send a chunk at an offset (PATCH). The loop that reads
//! the file and keeps the offset in the cache is the desk's (`casedesk-app`).

use casedesk_wire::{UploadCreated, UploadRequest, UploadStatus, UPLOAD_OFFSET_HEADER};
use reqwest::StatusCode;

use crate::{HubClient, SyncError};

/// What HEAD says of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadHead {
    pub offset: u64,
    pub complete: bool,
}

/// The hub's answer to a chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkOutcome {
    Accepted(UploadStatus),
    /// 409: the hub holds `offset` bytes; continue from there.
    WrongOffset {
        offset: u64,
    },
}

fn offset_of(r: &reqwest::Response) -> Option<u64> {
    r.headers()
        .get(UPLOAD_OFFSET_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

impl HubClient {
    /// Begins an upload, or learns that the hub holds the file already.
    pub async fn create_upload(&mut self, req: &UploadRequest) -> Result<UploadCreated, SyncError> {
        let url = self.url("/evidence/uploads");
        let r = self
            .authed_response(|http, token| http.post(&url).bearer_auth(token).json(req))
            .await?;
        self.read(r).await
    }

    /// Where an upload stands; None when the hub does not know it (it was discarded).
    pub async fn upload_head(&mut self, upload_id: &str) -> Result<Option<UploadHead>, SyncError> {
        let url = self.url(&format!("/evidence/uploads/{upload_id}"));
        let r = self
            .authed_response(|http, token| http.head(&url).bearer_auth(token))
            .await?;
        if r.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !r.status().is_success() {
            // HEAD answers carry no body: the status is all there is.
            return self.read::<()>(r).await.map(|_| None);
        }
        let offset = offset_of(&r).ok_or_else(|| {
            SyncError::Protocol("the hub's HEAD answer has no Upload-Offset".into())
        })?;
        let complete = r
            .headers()
            .get("upload-complete")
            .is_some_and(|v| v.as_bytes() == b"true");
        Ok(Some(UploadHead { offset, complete }))
    }

    /// Sends `chunk` as the bytes from `offset`.
    pub async fn upload_chunk(
        &mut self,
        upload_id: &str,
        offset: u64,
        chunk: &[u8],
    ) -> Result<ChunkOutcome, SyncError> {
        let url = self.url(&format!("/evidence/uploads/{upload_id}"));
        let r = self
            .authed_response(|http, token| {
                http.patch(&url)
                    .bearer_auth(token)
                    .header(UPLOAD_OFFSET_HEADER, offset.to_string())
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/offset+octet-stream",
                    )
                    .body(chunk.to_vec())
            })
            .await?;
        if r.status() == StatusCode::CONFLICT {
            if let Some(offset) = offset_of(&r) {
                return Ok(ChunkOutcome::WrongOffset { offset });
            }
        }
        Ok(ChunkOutcome::Accepted(self.read(r).await?))
    }
}
