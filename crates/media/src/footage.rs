//! A video's fingerprint and its cuts, from one bounded ffmpeg run: frames sampled at a fixed
//! rate (at most [`MAX_FRAMES`]), shrunk to grey thumbnails and hashed like photos; and the
//! scene-change score of every frame, a cut being a score above [`CUT_SCENE_SCORE`].
//!
//! Frames are sampled by time rather than taken from the encoder's I-frames: a re-encode at
//! another bitrate or GOP moves the I-frames but not the picture at 0.5 s, 1.0 s, ….

use std::path::Path;
use std::time::Duration;

use image::GrayImage;
use serde::Serialize;

use crate::error::MediaError;
use crate::phash;
use crate::tool::{self, Bounds};

/// The most frames hashed per video; a long video is sampled more sparsely.
pub const MAX_FRAMES: usize = 60;
/// Frames per second sampled for a short video.
const SAMPLE_FPS: f64 = 2.0;
/// Thumbnail side for hashing.
const THUMB: u32 = 64;
/// ffmpeg's scene score (0–1) above which a frame starts a new shot. Measured
/// (docs/decisions.md): a slow pan with camera grain peaks at 0.07; a hard cut between two
/// roadside scenes with the same truck scores 0.26, between unlike pictures 0.66.
pub const CUT_SCENE_SCORE: f64 = 0.2;
/// A thumbnail whose grey levels vary less than this (standard deviation) is a blank frame
/// (black lead-in, lens cap) and is not hashed: blank frames would match every other video's.
const BLANK_STDDEV: f64 = 4.0;

/// What one ffmpeg run found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footage {
    /// Hashes of the sampled, non-blank frames, in time order.
    pub frame_hashes: Vec<u64>,
    /// Times (seconds) where a new shot starts.
    pub cuts: Vec<f64>,
    /// The highest scene score seen (for the record; a cut is above [`CUT_SCENE_SCORE`]).
    pub max_scene_score: f64,
}

/// Samples, hashes and scans the video at `path` of `duration_s` seconds.
pub fn read_footage(path: &Path, duration_s: f64) -> Result<Footage, MediaError> {
    let fps = SAMPLE_FPS.min(MAX_FRAMES as f64 / duration_s.max(0.1));
    let graph = format!(
        "[0:v]split=2[a][b];[a]fps={fps:.4},scale={THUMB}:{THUMB}:flags=area,format=gray[f];\
         [b]select='gte(scene,0)',metadata=print:key=lavfi.scene_score[s]"
    );
    let frames = MAX_FRAMES.to_string();
    let file = path.to_string_lossy();
    let frame_bytes = (THUMB * THUMB) as usize;
    let out = tool::run(
        "ffmpeg",
        &[
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "info",
            "-i",
            &file,
            "-an",
            "-sn",
            "-filter_complex",
            &graph,
            "-map",
            "[f]",
            "-frames:v",
            &frames,
            "-f",
            "rawvideo",
            "pipe:1",
            "-map",
            "[s]",
            "-f",
            "null",
            "-",
        ],
        path,
        Bounds {
            // Decoding a phone video runs many times faster than real time; a minute of
            // margin covers a slow machine, and a file that takes longer is not a phone video.
            time: Duration::from_secs(60) + Duration::from_secs_f64(duration_s.min(3600.0)),
            stdout_bytes: MAX_FRAMES * frame_bytes,
        },
    )?;
    let hasher = phash::hasher();
    let frame_hashes = out
        .stdout
        .chunks_exact(frame_bytes)
        .filter_map(|px| GrayImage::from_raw(THUMB, THUMB, px.to_vec()))
        .filter(|frame| !is_blank(frame))
        .map(|frame| phash::frame_hash(&hasher, &frame))
        .collect();
    let scores = scene_scores(&out.stderr);
    let max_scene_score = scores.iter().map(|(_, s)| *s).fold(0.0, f64::max);
    let cuts = scores
        .iter()
        .filter(|(_, s)| *s > CUT_SCENE_SCORE)
        .map(|(t, _)| *t)
        .collect();
    Ok(Footage {
        frame_hashes,
        cuts,
        max_scene_score,
    })
}

fn is_blank(frame: &GrayImage) -> bool {
    let n = frame.as_raw().len() as f64;
    let mean = frame.as_raw().iter().map(|&p| p as f64).sum::<f64>() / n;
    let var = frame
        .as_raw()
        .iter()
        .map(|&p| (p as f64 - mean).powi(2))
        .sum::<f64>()
        / n;
    var.sqrt() < BLANK_STDDEV
}

/// (time, score) pairs from ffmpeg's `metadata=print` lines: a `pts_time:` line, then the
/// frame's `lavfi.scene_score=` line.
fn scene_scores(log: &str) -> Vec<(f64, f64)> {
    let mut scores = Vec::new();
    let mut time = None;
    for line in log.lines() {
        if let Some(rest) = line.split("pts_time:").nth(1) {
            time = rest.split_whitespace().next().and_then(|t| t.parse().ok());
        } else if let Some(rest) = line.split("lavfi.scene_score=").nth(1) {
            if let (Some(t), Ok(s)) = (time, rest.trim().parse::<f64>()) {
                scores.push((t, s));
            }
        }
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scene_scores_are_read_from_the_log() {
        let log = "[Parsed_metadata_4 @ 0x1] frame:0    pts:0       pts_time:0\n\
                   [Parsed_metadata_4 @ 0x1] lavfi.scene_score=0.000000\n\
                   [Parsed_metadata_4 @ 0x1] frame:1    pts:512     pts_time:2.04\n\
                   [Parsed_metadata_4 @ 0x1] lavfi.scene_score=0.712000\n";
        assert_eq!(scene_scores(log), vec![(0.0, 0.0), (2.04, 0.712)]);
    }
}
