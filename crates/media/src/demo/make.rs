//! Real media made at generation time: JPEG photos of a drawn scene (optionally with a burned-in
//! watermark and EXIF), H.264 measurement videos panning across drawn scenes with a burned-in
//! watermark (plate, time, place), and re-encodes of a video at another bitrate. ffmpeg makes
//! the videos and draws the watermark with a CJK font (fonts-noto-cjk).

use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use image::{DynamicImage, ImageFormat, RgbImage};

use super::exif::{with_exif, ExifData};
use super::scene::Scene;
use crate::error::MediaError;
use crate::tool::{self, Bounds};

/// The CJK font the watermark is drawn with (fonts-noto-cjk, installed by scripts/setup.sh).
pub const WATERMARK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

const MAKE_BOUNDS: Bounds = Bounds {
    time: Duration::from_secs(60),
    stdout_bytes: 1 << 16,
};

/// A JPEG of `scene` at `width` x `height` and `quality`, as bytes.
pub fn scene_jpeg(scene: &Scene, width: u32, height: u32, quality: u8) -> Vec<u8> {
    jpeg_bytes(&DynamicImage::ImageRgb8(scene.draw(width, height)), quality)
}

/// `img` encoded as a JPEG of `quality`.
pub fn jpeg_bytes(img: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut buf = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality);
    // Encoding an RGB buffer into memory cannot fail.
    let _ = img.to_rgb8().write_with_encoder(enc);
    buf
}

/// Decodes JPEG or PNG bytes (for re-encoding a photo in tests and in the demo's reused photo).
pub fn decode(bytes: &[u8]) -> Option<DynamicImage> {
    image::load(
        Cursor::new(bytes),
        image::guess_format(bytes).unwrap_or(ImageFormat::Jpeg),
    )
    .ok()
}

/// A watermark's lines (plate, time, place), drawn in the lower left.
#[derive(Debug, Clone)]
pub struct Watermark {
    pub lines: Vec<String>,
}

/// Writes a watermarked JPEG photo of `scene`, with `exif` when given.
pub fn write_photo(
    scene: &Scene,
    watermark: &Watermark,
    exif: Option<&ExifData>,
    out: &Path,
) -> Result<(), MediaError> {
    let work = work_dir(out)?;
    let picture = work.path().join("picture.ppm");
    write_file(&picture, &ppm_bytes(&scene.draw(960, 720)))?;
    let text = work.path().join("watermark.txt");
    write_file(&text, watermark.lines.join("\n").as_bytes())?;
    let jpg = work.path().join("plain.jpg");
    let filter = drawtext(&text, 26, 40);
    ffmpeg(
        &[
            "-i",
            &path_str(&picture),
            "-vf",
            &filter,
            "-q:v",
            "3",
            "-frames:v",
            "1",
            &path_str(&jpg),
        ],
        out,
    )?;
    let bytes = std::fs::read(&jpg).map_err(|source| MediaError::Read {
        path: jpg.clone(),
        source,
    })?;
    let bytes = match exif {
        Some(e) => with_exif(&bytes, e),
        None => bytes,
    };
    write_file(out, &bytes)
}

/// How a measurement video is shot.
#[derive(Debug, Clone)]
pub struct Shot {
    /// One scene is one continuous pan; two scenes are joined by a hard cut half-way.
    pub scenes: Vec<Scene>,
    pub seconds: u32,
    pub bitrate_kbps: u32,
    pub watermark: Watermark,
    /// Written as the container's creation_time (ISO 8601, UTC).
    pub creation_time: String,
}

/// Writes an H.264 MP4 (320 x 240, 25 fps) panning across the shot's scenes.
pub fn write_video(shot: &Shot, out: &Path) -> Result<(), MediaError> {
    let work = work_dir(out)?;
    let n = shot.scenes.len().max(1);
    let part = f64::from(shot.seconds) / n as f64;
    let mut inputs: Vec<String> = Vec::new();
    let mut graph = String::new();
    for (i, scene) in shot.scenes.iter().enumerate() {
        let picture = work.path().join(format!("scene{i}.ppm"));
        write_file(&picture, &ppm_bytes(&scene.draw(480, 300)))?;
        inputs.extend([
            "-loop".into(),
            "1".into(),
            "-t".into(),
            format!("{part:.3}"),
        ]);
        inputs.extend([
            "-framerate".into(),
            "25".into(),
            "-i".into(),
            path_str(&picture),
        ]);
        // A slow pan: the 320x240 window moves across the 480-pixel-wide scene.
        graph.push_str(&format!(
            "[{i}:v]crop=320:240:x='min(160,t*{:.3})':y=30,setsar=1,format=yuv420p[p{i}];",
            160.0 / part
        ));
    }
    let text = work.path().join("watermark.txt");
    write_file(&text, shot.watermark.lines.join("\n").as_bytes())?;
    let joined: String = (0..n).map(|i| format!("[p{i}]")).collect();
    graph.push_str(&format!(
        "{joined}concat=n={n}:v=1:a=0,{}[v]",
        drawtext(&text, 12, 12)
    ));
    let rate = format!("{}k", shot.bitrate_kbps);
    let created = format!("creation_time={}", shot.creation_time);
    let mut args: Vec<String> = inputs;
    args.extend(
        [
            "-filter_complex",
            &graph,
            "-map",
            "[v]",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-threads",
            "1",
            "-b:v",
            &rate,
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
            "-metadata",
            &created,
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            &path_str(out),
        ]
        .map(String::from),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ffmpeg(&args, out)
}

/// Re-encodes `input` at `bitrate_kbps` (the "reused video" a carrier sends again).
pub fn reencode(input: &Path, bitrate_kbps: u32, out: &Path) -> Result<(), MediaError> {
    let rate = format!("{bitrate_kbps}k");
    ffmpeg(
        &[
            "-i",
            &path_str(input),
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-threads",
            "1",
            "-b:v",
            &rate,
            "-g",
            "12",
            "-pix_fmt",
            "yuv420p",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            &path_str(out),
        ],
        out,
    )
}

/// A temporary folder for one output's intermediate files, removed when dropped. Its path (from
/// the system's temporary directory) is what the filter graph names, so it needs no escaping.
fn work_dir(out: &Path) -> Result<tempfile::TempDir, MediaError> {
    tempfile::Builder::new()
        .prefix("casedesk-media-")
        .tempdir()
        .map_err(|source| MediaError::Write {
            path: out.to_path_buf(),
            source,
        })
}

fn drawtext(textfile: &Path, size: u32, margin: u32) -> String {
    // The text file is in work_dir(): no quotes, colons or brackets to escape.
    format!(
        "drawtext=fontfile={WATERMARK_FONT}:textfile={}:fontsize={size}:fontcolor=white:\
         box=1:boxcolor=black@0.45:boxborderw=4:line_spacing=4:x={margin}:y=h-th-{margin}",
        textfile.display()
    )
}

fn ffmpeg(args: &[&str], out: &Path) -> Result<(), MediaError> {
    let mut all = vec!["-hide_banner", "-nostdin", "-loglevel", "error", "-y"];
    all.extend_from_slice(args);
    tool::run("ffmpeg", &all, out, MAKE_BOUNDS).map(|_| ())
}

/// A binary PPM (a header and the raw pixels): what ffmpeg reads with no encoding cost here.
fn ppm_bytes(img: &RgbImage) -> Vec<u8> {
    let mut buf = format!("P6\n{} {}\n255\n", img.width(), img.height()).into_bytes();
    buf.extend_from_slice(img.as_raw());
    buf
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), MediaError> {
    std::fs::write(path, bytes).map_err(|source| MediaError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}
