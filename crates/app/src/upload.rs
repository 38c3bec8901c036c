//! Evidence files on their way to the hub. Before a sync pushes a mutation that refers to
//! evidence (a rectification's photos), it uploads each file the hub does not hold yet for
//! that order: in chunks, keeping the hub's upload id and offset in the cache after every
//! chunk, so a sync cut short (the app closed, the network gone) continues from the hub's
//! offset (HEAD, then PATCH) instead of from zero. What is being sent, with bytes and speed, is
//! kept in a [`SyncProgress`] that the 同步 page reads while the sync holds the desk.

use std::io::{Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use casedesk_domain::{EvidenceRef, OrderAction};
use casedesk_sync::{ChunkOutcome, HubClient, SyncError};
use casedesk_wire::{Entity, Mutation, UploadCreated, UploadRequest, EVIDENCE_CHUNK_BYTES};
use serde::Serialize;

use crate::desk::Desk;
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;

/// The file being sent (or the last one sent), as the 同步 page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct UploadProgress {
    pub order_no: String,
    pub file_name: String,
    /// Bytes the hub holds.
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// Bytes a second over this sync's sending of the file (0 before the first chunk).
    pub bytes_per_second: f64,
    /// The hub holds the whole file.
    pub done: bool,
}

/// A file the hub refused (its type, size, or bytes that did not match their hash) or that is
/// missing from this desk's evidence folder. The mutation that refers to it is pushed all the
/// same (the record stands; the file is what is missing) and the refusal is reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct UploadRefusal {
    pub order_no: String,
    pub file_name: String,
    pub hash: String,
    pub error: AppError,
}

/// Where the current upload stands, shared between the sync (which writes it) and whoever
/// shows it (which reads it without waiting for the sync).
#[derive(Debug, Clone, Default)]
pub struct SyncProgress(Arc<Mutex<Option<UploadProgress>>>);

impl SyncProgress {
    pub fn current(&self) -> Option<UploadProgress> {
        self.0.lock().map(|g| g.clone()).unwrap_or(None)
    }

    fn set(&self, p: UploadProgress) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(p);
        }
    }
}

/// What the uploads of one sync did.
#[derive(Debug, Clone, Default)]
pub(crate) struct UploadTally {
    /// Files the hub holds now for their order (sent now, or found there already).
    pub files: u64,
    /// Bytes sent in this sync.
    pub bytes: u64,
    pub refused: Vec<UploadRefusal>,
}

/// The evidence files a mutation refers to, with the order they are evidence for.
fn evidence_of(m: &Mutation) -> Vec<EvidenceRef> {
    if m.entity != Entity::WorkOrder {
        return Vec::new();
    }
    match m.order_action() {
        Ok(OrderAction::RecordRectification { evidence, .. }) => evidence,
        _ => Vec::new(),
    }
}

/// Whether an upload failure concerns this file only (the hub refused it: report it and go
/// on), rather than the whole sync (offline, signed out, the hub's own trouble: stop, and
/// continue from the kept offset next time).
fn refuses_the_file(e: &SyncError) -> bool {
    matches!(e, SyncError::Refused { .. }) && !e.is_transient()
}

impl Desk {
    /// The progress of evidence uploads, to read while a sync runs.
    pub fn sync_progress(&self) -> SyncProgress {
        self.progress.clone()
    }

    /// Uploads every evidence file `mutations` refer to that the hub does not hold yet.
    pub(crate) async fn upload_evidence(
        &mut self,
        client: &mut HubClient,
        hub_url: &str,
        mutations: &[Mutation],
    ) -> Result<UploadTally, AppError> {
        let mut tally = UploadTally::default();
        for m in mutations {
            for ev in evidence_of(m) {
                let done = self
                    .store
                    .evidence_upload(&ev.hash, &m.entity_key, hub_url)?
                    .is_some_and(|r| r.done_at.is_some());
                if done {
                    continue;
                }
                match self
                    .upload_one(client, hub_url, &m.entity_key, &ev, &mut tally.bytes)
                    .await
                {
                    Ok(()) => tally.files += 1,
                    Err(Failure::File(error)) => tally.refused.push(UploadRefusal {
                        order_no: m.entity_key.clone(),
                        file_name: ev.file_name.clone(),
                        hash: ev.hash.clone(),
                        error,
                    }),
                    Err(Failure::Sync(e)) => return Err(e),
                }
            }
        }
        Ok(tally)
    }

    async fn upload_one(
        &mut self,
        client: &mut HubClient,
        hub_url: &str,
        order_no: &str,
        ev: &EvidenceRef,
        sent_now: &mut u64,
    ) -> Result<(), Failure> {
        let mut file = self
            .evidence
            .open_stored(&ev.hash)
            .ok()
            .flatten()
            .ok_or_else(|| {
                Failure::File(
                    AppError::new(ErrorCode::NotFound, MessageKey::EvidenceNotFound)
                        .with("hash", ev.hash.clone()),
                )
            })?;
        let kept = self.store.evidence_upload(&ev.hash, order_no, hub_url)?;
        // Continue a kept upload from where the hub stands, not from where we think it does.
        let mut resumed = None;
        if let Some(id) = kept.and_then(|k| k.upload_id) {
            match client.upload_head(&id).await {
                Ok(Some(head)) if head.complete => {
                    return self.finished(hub_url, order_no, ev);
                }
                Ok(Some(head)) => resumed = Some((id, head.offset)),
                // Discarded by the hub, unknown to it, or not this user's (another signed in
                // since): begin again.
                Ok(None) => {}
                Err(e) if refuses_the_file(&e) => {}
                Err(e) => return Err(Failure::from_sync(e)),
            }
        }
        let (upload_id, mut offset) = match resumed {
            Some(r) => r,
            None => {
                let req = UploadRequest {
                    sha256: ev.hash.clone(),
                    size: ev.size,
                    file_name: ev.file_name.clone(),
                    mime: ev.mime.clone(),
                    order_no: order_no.to_string(),
                    device_id: self.device_id.clone(),
                };
                match client.create_upload(&req).await {
                    Ok(UploadCreated::AlreadyStored { .. }) => {
                        return self.finished(hub_url, order_no, ev);
                    }
                    Ok(UploadCreated::Started { upload_id, offset }) => (upload_id, offset),
                    Err(e) => return Err(Failure::from_sync(e)),
                }
            }
        };
        self.store.set_evidence_upload(
            hub_url,
            &ev.hash,
            order_no,
            ev.size,
            Some(&upload_id),
            offset,
        )?;
        let started = Instant::now();
        let mut sent_here = 0u64;
        let mut buf = vec![0u8; EVIDENCE_CHUNK_BYTES];
        let mut progress = UploadProgress {
            order_no: order_no.to_string(),
            file_name: ev.file_name.clone(),
            sent: offset,
            total: ev.size,
            bytes_per_second: 0.0,
            done: false,
        };
        self.progress.set(progress.clone());
        loop {
            let n = if offset < ev.size {
                let want = (ev.size - offset).min(buf.len() as u64) as usize;
                let n = read_at(&mut file, offset, &mut buf[..want]).map_err(read_failed)?;
                if n == 0 {
                    // Shorter than recorded: the hub could never verify it.
                    return Err(Failure::File(
                        AppError::new(ErrorCode::Storage, MessageKey::EvidenceDamaged)
                            .with("hash", ev.hash.clone()),
                    ));
                }
                n
            } else {
                // Every byte is there but the hub has not said so: the empty chunk at the end
                // asks it to finish (or to tell the outcome again).
                0
            };
            let status = match client.upload_chunk(&upload_id, offset, &buf[..n]).await {
                Ok(ChunkOutcome::Accepted(s)) => s,
                Ok(ChunkOutcome::WrongOffset { offset: theirs }) => {
                    offset = theirs;
                    self.store.set_evidence_upload(
                        hub_url,
                        &ev.hash,
                        order_no,
                        ev.size,
                        Some(&upload_id),
                        offset,
                    )?;
                    continue;
                }
                Err(e) => {
                    if refuses_the_file(&e) {
                        // The hub discarded the upload (its bytes did not match): forget it.
                        self.store
                            .set_evidence_upload(hub_url, &ev.hash, order_no, ev.size, None, 0)?;
                    }
                    return Err(Failure::from_sync(e));
                }
            };
            let moved = status.offset.saturating_sub(offset);
            sent_here += moved;
            *sent_now += moved;
            offset = status.offset;
            self.store.set_evidence_upload(
                hub_url,
                &ev.hash,
                order_no,
                ev.size,
                Some(&upload_id),
                offset,
            )?;
            let secs = started.elapsed().as_secs_f64();
            progress.sent = offset;
            progress.bytes_per_second = if secs > 0.0 {
                sent_here as f64 / secs
            } else {
                0.0
            };
            progress.done = status.complete;
            self.progress.set(progress.clone());
            if status.complete {
                return self.finished(hub_url, order_no, ev);
            }
            if n == 0 && offset >= ev.size {
                return Err(Failure::Sync(
                    AppError::new(ErrorCode::HubProtocol, MessageKey::HubProtocol).with(
                        "detail",
                        format!("the hub holds all of {} but did not store it", ev.hash),
                    ),
                ));
            }
        }
    }

    fn finished(&mut self, hub_url: &str, order_no: &str, ev: &EvidenceRef) -> Result<(), Failure> {
        let at = self.now_text();
        self.store
            .finish_evidence_upload(hub_url, &ev.hash, order_no, ev.size, &at)?;
        Ok(())
    }
}

fn read_failed(e: std::io::Error) -> Failure {
    Failure::File(
        AppError::new(ErrorCode::Storage, MessageKey::EvidenceReadFailed)
            .with("detail", e.to_string()),
    )
}

/// Reads up to `buf.len()` bytes from `offset`.
fn read_at(file: &mut std::fs::File, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
    file.seek(SeekFrom::Start(offset))?;
    let mut filled = 0;
    while filled < buf.len() {
        let n = file.read(&mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Why one file's upload stopped.
enum Failure {
    /// This file only: reported, the sync goes on.
    File(AppError),
    /// The sync cannot go on (offline, signed out, the cache unwritable).
    Sync(AppError),
}

impl Failure {
    fn from_sync(e: SyncError) -> Failure {
        if refuses_the_file(&e) {
            Failure::File(AppError::from(e))
        } else {
            Failure::Sync(AppError::from(e))
        }
    }
}

impl From<casedesk_store::StoreError> for Failure {
    fn from(e: casedesk_store::StoreError) -> Failure {
        Failure::Sync(AppError::from(e))
    }
}
