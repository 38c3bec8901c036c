//! The media checks of remote review (远程审核) for oversized-cargo permits, without a window:
//! what a submitted file really is (from its bytes, with typed errors for a "video" that is not
//! one, a cut-off MP4 or a file over the limit); its metadata (a photo's capture time, GPS and
//! camera, where "no EXIF" is a finding and not an error; a video's duration, size, codec and
//! creation time); its fingerprints (SHA-256 for the same bytes, a 64-bit perceptual hash of a
//! photo, perceptual hashes of a video's frames sampled through ffmpeg); whether a video is one
//! continuous shot (scene cuts); and a duplicate index that finds, among stored fingerprints, the
//! files a new one repeats and how. Also the demo generator of carriers' submission folders with
//! real media made by ffmpeg. ffmpeg and ffprobe run as child processes bounded in time.

pub mod demo;
pub mod digest;
pub mod error;
pub mod footage;
pub mod index;
pub mod inspect;
pub mod kind;
pub mod phash;
pub mod photo;
pub mod tool;
pub mod video;

pub use error::MediaError;
pub use kind::{Limits, MediaKind};
