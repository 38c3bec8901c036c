//! `casedesk-media-bench`: the permit desk's media checks, as `NAME VALUE UNIT` lines. The
//! duplicate check of a new photo against 100 000 stored fingerprints (target under 50 ms),
//! building that index and loading it from the cache, and fingerprinting a photo and a 5 s
//! video. Run in release: `cargo run --release -p casedesk-bench --bin casedesk-media-bench`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use casedesk_bench::{figure, percentile};
use casedesk_media::demo::make::{self, Shot, Watermark};
use casedesk_media::demo::scene::Scene;
use casedesk_media::index::{DuplicateIndex, Fingerprint, MatchHow};
use casedesk_media::inspect::inspect;
use casedesk_media::{phash, Limits, MediaKind};
use casedesk_store::{MediaFingerprintRow, Store};
use clap::Parser;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

#[derive(Parser)]
#[command(
    name = "casedesk-media-bench",
    about = "Media check figures: NAME VALUE UNIT"
)]
struct Args {
    /// Stored photo fingerprints.
    #[arg(long, default_value_t = 100_000)]
    stored: usize,
    /// Drawn scenes whose real hashes seed the stored ones (and are looked up re-compressed).
    #[arg(long, default_value_t = 200)]
    scenes: usize,
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn photo(sha: String, hashes: Vec<u64>) -> Fingerprint {
    Fingerprint {
        sha256: sha,
        kind: MediaKind::Photo,
        hashes,
    }
}

fn main() {
    let args = Args::parse();
    let hasher = phash::hasher();
    let mut rng = SmallRng::seed_from_u64(2026);

    // Real hashes of drawn scenes, so the stored ones have the bias of real pictures' hashes.
    let mut real = Vec::new();
    let mut queries = Vec::new();
    for s in 0..args.scenes {
        let jpeg = make::scene_jpeg(&Scene::from_seed(s as u64), 640, 480, 90);
        let img = make::decode(&jpeg).expect("decodes");
        real.push(phash::picture_hashes(&hasher, &img));
        let again = make::decode(&make::jpeg_bytes(&img, 60)).expect("decodes");
        queries.push(phash::picture_hashes(&hasher, &again));
    }
    // The stored photos: each a real scene's hashes moved 12 to 24 bits away (another picture
    // of the same kind), and the real scenes themselves.
    let mut stored: Vec<Fingerprint> = (0..args.stored.saturating_sub(args.scenes))
        .map(|i| {
            let base = &real[i % real.len()];
            let mut mask = 0u64;
            while mask.count_ones() < rng.gen_range(12..=24) {
                mask |= 1u64 << rng.gen_range(0..64);
            }
            photo(format!("{i:064x}"), base.iter().map(|h| h ^ mask).collect())
        })
        .collect();
    stored.extend(
        real.iter()
            .enumerate()
            .map(|(i, h)| photo(format!("real{i}"), h.clone())),
    );

    let t = Instant::now();
    let mut index = DuplicateIndex::new();
    for fp in &stored {
        index.add(fp);
    }
    figure("media_index_build_100k_photos", ms(t), "ms");

    let mut times = Vec::new();
    let mut found_original = 0;
    for (i, q) in queries.iter().enumerate() {
        let t = Instant::now();
        let found = index.find(&photo("new".into(), q.clone()));
        times.push(ms(t));
        let original = stored.len() - args.scenes + i;
        if found
            .iter()
            .any(|f| f.entry == original && matches!(f.how, MatchHow::SamePicture { .. }))
        {
            found_original += 1;
        }
    }
    times.sort_by(f64::total_cmp);
    figure("media_photo_lookup_100k_p50", percentile(&times, 0.5), "ms");
    figure(
        "media_photo_lookup_100k_p95",
        percentile(&times, 0.95),
        "ms",
    );
    figure("media_photo_lookup_100k_max", percentile(&times, 1.0), "ms");
    figure(
        "media_photo_lookup_found_original",
        found_original as f64,
        &format!("of {}", queries.len()),
    );

    // Uniformly random hashes: the index's best case, for comparison.
    let mut random_index = DuplicateIndex::new();
    for i in 0..args.stored {
        let base: u64 = rng.gen();
        random_index.add(&photo(
            format!("r{i}"),
            (0..6).map(|k| base ^ (k as u64) << 3).collect(),
        ));
    }
    let mut times: Vec<f64> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            random_index.find(&photo("new".into(), q.clone()));
            ms(t)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    figure(
        "media_photo_lookup_100k_random_p95",
        percentile(&times, 0.95),
        "ms",
    );

    // What media-check does per call today: load every fingerprint from the cache, build.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("cache.db")).expect("cache");
    let rows: Vec<MediaFingerprintRow> = stored
        .iter()
        .enumerate()
        .map(|(i, fp)| MediaFingerprintRow {
            sha256: fp.sha256.clone(),
            application_id: format!("HD-{i:06}"),
            material: "watermarked_photos".into(),
            file_name: "front.jpg".into(),
            kind: "photo".into(),
            hashes: fp.hashes.clone(),
            recorded_at: "2026-11-30T08:00:00+08:00".into(),
        })
        .collect();
    let t = Instant::now();
    store.record_media_fingerprints(&rows).expect("record");
    figure("media_record_100k_fingerprints", ms(t), "ms");
    let t = Instant::now();
    let loaded = store.media_fingerprints().expect("load");
    let mut index = DuplicateIndex::new();
    for r in &loaded {
        index.add(&photo(r.sha256.clone(), r.hashes.clone()));
    }
    figure("media_load_and_build_100k_from_cache", ms(t), "ms");

    // Fingerprinting one file (kind check, SHA-256, metadata, hashes).
    fingerprint_photo(dir.path(), 1024, 768, "media_fingerprint_photo_1024x768");
    fingerprint_photo(dir.path(), 4000, 3000, "media_fingerprint_photo_4000x3000");
    let small = dir.path().join("small.mp4");
    make::write_video(
        &Shot {
            scenes: vec![Scene::from_seed(1)],
            seconds: 5,
            bitrate_kbps: 400,
            watermark: Watermark {
                lines: vec!["豫GA1234".into()],
            },
            creation_time: "2026-11-30T00:00:00Z".into(),
        },
        &small,
    )
    .expect("video");
    fingerprint_video(&small, "media_fingerprint_video_5s_320x240");
    let hd = dir.path().join("hd.mp4");
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("testsrc2=size=1280x720:rate=30:duration=5")
        .args([
            "-c:v", "libx264", "-preset", "veryfast", "-b:v", "8M", "-pix_fmt", "yuv420p",
        ])
        .arg(&hd)
        .status()
        .expect("ffmpeg");
    assert!(made.success());
    fingerprint_video(&hd, "media_fingerprint_video_5s_1280x720_30fps");
}

fn fingerprint_photo(dir: &Path, w: u32, h: u32, name: &str) {
    let path = dir.join(format!("{name}.jpg"));
    std::fs::write(&path, make::scene_jpeg(&Scene::from_seed(9), w, h, 90)).expect("write");
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        inspect(&path, None, &Limits::default()).expect("inspects");
        times.push(ms(t));
    }
    times.sort_by(f64::total_cmp);
    figure(name, percentile(&times, 0.5), "ms");
}

fn fingerprint_video(path: &Path, name: &str) {
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        inspect(path, None, &Limits::default()).expect("inspects");
        times.push(ms(t));
    }
    times.sort_by(f64::total_cmp);
    figure(name, percentile(&times, 0.5), "ms");
}
