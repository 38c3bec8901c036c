//! A video's metadata from ffprobe: duration, picture size, codec and the creation time the
//! camera wrote. ffprobe also proves the file decodes as a video at all.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::MediaError;
use crate::kind::MediaKind;
use crate::tool::{self, Bounds};

/// What the container and its video stream say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VideoFacts {
    pub duration_s: f64,
    pub width: u32,
    pub height: u32,
    /// ffprobe's codec name (`h264`, `hevc`, …).
    pub codec: String,
    /// The container's (else the stream's) `creation_time`, as written.
    pub created_at: Option<String>,
}

const PROBE_BOUNDS: Bounds = Bounds {
    time: Duration::from_secs(20),
    stdout_bytes: 1 << 20,
};

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    streams: Vec<ProbeStream>,
    format: Option<ProbeFormat>,
}

#[derive(Deserialize)]
struct ProbeStream {
    codec_type: Option<String>,
    codec_name: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    duration: Option<String>,
    #[serde(default)]
    tags: Tags,
}

#[derive(Deserialize)]
struct ProbeFormat {
    duration: Option<String>,
    #[serde(default)]
    tags: Tags,
}

#[derive(Deserialize, Default)]
struct Tags {
    creation_time: Option<String>,
}

/// Probes the file (already known from its bytes to be an MP4/MOV).
pub fn read_video(path: &Path) -> Result<VideoFacts, MediaError> {
    let undecodable = |detail: String| MediaError::Undecodable {
        path: path.to_path_buf(),
        kind: MediaKind::Video,
        detail,
    };
    let file = path.to_string_lossy();
    let out = tool::run(
        "ffprobe",
        &[
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            &file,
        ],
        path,
        PROBE_BOUNDS,
    )
    .map_err(|e| match e {
        MediaError::Tool { detail, .. } => undecodable(detail),
        other => other,
    })?;
    let probe: Probe = serde_json::from_slice(&out.stdout)
        .map_err(|e| undecodable(format!("ffprobe's answer cannot be read: {e}")))?;
    let stream = probe
        .streams
        .iter()
        .find(|s| s.codec_type.as_deref() == Some("video"))
        .ok_or_else(|| undecodable("it has no video stream".into()))?;
    let duration_s = probe
        .format
        .as_ref()
        .and_then(|f| f.duration.as_deref())
        .or(stream.duration.as_deref())
        .and_then(|d| d.parse::<f64>().ok())
        .filter(|d| d.is_finite() && *d > 0.0)
        .ok_or_else(|| undecodable("it has no duration".into()))?;
    let created_at = probe
        .format
        .as_ref()
        .and_then(|f| f.tags.creation_time.clone())
        .or_else(|| stream.tags.creation_time.clone());
    Ok(VideoFacts {
        duration_s,
        width: stream.width.unwrap_or(0),
        height: stream.height.unwrap_or(0),
        codec: stream.codec_name.clone().unwrap_or_default(),
        created_at,
    })
}
