//! The demo's carriers' submission folders (the shared submission format), with real media
//! made at generation time; and the pieces tests use to make real files.

pub mod exif;
pub mod make;
pub mod pdf;
pub mod scene;
pub mod submission;
