//! The demo's carriers' submission folders, exactly in the shared submission format
//! (`application.json` plus the files it names), with real media made at generation time and
//! some deliberately wrong so review has something to find. Deterministic for a seed (same
//! bytes: x264 runs single-threaded with bit-exact flags). `demo-manifest.json` beside the
//! folders lists what is wrong in each; `carriers.json` holds the demo carriers' credit records
//! as the credit platform sends them (the hub's `carrier import` format), so the fast-track
//! rules have something to judge: one carrier with ten unrepaired penalties, one yellow, one red.

use std::path::{Path, PathBuf};

use casedesk_domain::permit::{
    classify, required, Configuration, Declared, Material, Route, Track, Trips, Vehicle,
};
use chrono::{Duration as Days, NaiveDate, NaiveDateTime, NaiveTime};
use image::imageops::FilterType;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::exif::ExifData;
use super::make::{self, Shot, Watermark};
use super::pdf::text_pdf;
use super::scene::Scene;
use crate::error::MediaError;

/// What is deliberately wrong in a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    /// The plate in the video's watermark is not the declared tractor plate.
    PlateMismatch,
    /// The video's watermark time is weeks before submission.
    OldWatermark,
    /// The video is another folder's, re-encoded at another bitrate.
    ReusedVideo,
    /// The video is two shots joined by a cut.
    VideoCut,
    /// A photo without EXIF (sent through a messaging app).
    PhotoWithoutExif,
    /// A photo is another folder's, resized.
    ReusedPhoto,
    /// The application form and the operating licence are not handed in: the desk owes the
    /// carrier a one-time notice.
    MaterialsMissing,
}

impl Defect {
    /// The code written in the manifest.
    pub fn code(self) -> &'static str {
        match self {
            Defect::PlateMismatch => "plate_mismatch",
            Defect::OldWatermark => "old_watermark",
            Defect::ReusedVideo => "reused_video",
            Defect::VideoCut => "video_cut",
            Defect::PhotoWithoutExif => "photo_without_exif",
            Defect::ReusedPhoto => "reused_photo",
            Defect::MaterialsMissing => "materials_missing",
        }
    }
}

/// The defect of the folder at `i`; the first eight folders are one clean and one of each.
fn defect_of(i: usize) -> Option<Defect> {
    match i {
        7 => Some(Defect::MaterialsMissing),
        1 => Some(Defect::PlateMismatch),
        2 => Some(Defect::OldWatermark),
        3 => Some(Defect::ReusedVideo),
        4 => Some(Defect::VideoCut),
        5 => Some(Defect::PhotoWithoutExif),
        6 => Some(Defect::ReusedPhoto),
        _ => None,
    }
}

#[derive(Serialize)]
struct Party {
    name: String,
    credit_id: String,
}

#[derive(Serialize)]
struct SubmittedFile {
    material: &'static str,
    file: String,
}

/// `application.json`, in the shared submission format.
#[derive(Serialize)]
struct Submission {
    carrier_reference: String,
    service_point: &'static str,
    submitted_at: String,
    carrier: Party,
    manufacturer: Party,
    goods: &'static str,
    tractor_plate: String,
    trailer_plate: String,
    vehicle: Declared,
    route: Route,
    route_text: &'static str,
    trips: Trips,
    track: Track,
    travel_from: NaiveDate,
    travel_to: NaiveDate,
    materials: Vec<SubmittedFile>,
}

/// One written folder and what is wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoFolder {
    pub folder: String,
    pub carrier_reference: String,
    pub defect: Option<Defect>,
    /// For a reused file: the folder it was taken from.
    pub reused_from: Option<String>,
}

const CARRIERS: [(&str, &str); 4] = [
    ("长垣市宏达重型运输有限公司", "91410783MA9XL0HJ8A"),
    ("新乡市豫通大件物流有限公司", "91410700MA45K2R719"),
    ("郑州中原重载运输有限公司", "91410100MA3XG5QJ29"),
    ("安阳市恒运起重运输有限公司", "91410500MA47U9D83P"),
];
const MANUFACTURERS: [(&str, &str); 3] = [
    ("河南森源电气股份有限公司", "91410700614862183E"),
    ("平高集团有限公司", "91410400169951638R"),
    ("许继集团有限公司", "91411000174298463C"),
];
const GOODS: [&str; 3] = ["110kV 油浸式变压器", "220kV 电力变压器", "GIS 组合电器"];
const ROUTES: [&str; 2] = [
    "长垣市 G230 → G4 京港澳高速 → 郑州市航空港区",
    "长垣市 S308 → G45 大广高速 → 濮阳市华龙区",
];
/// 长垣市 service point, roughly.
const LAT: f64 = 35.2012;
const LON: f64 = 114.6689;

/// Writes `count` submission folders under `out_dir` (created if needed) and
/// `demo-manifest.json`; the same seed writes the same bytes.
pub fn write_submissions(
    out_dir: &Path,
    count: usize,
    seed: u64,
) -> Result<Vec<DemoFolder>, MediaError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| MediaError::Write { path, source }
    };
    std::fs::create_dir_all(out_dir).map_err(write_err(out_dir))?;
    let mut rng = SmallRng::seed_from_u64(seed);
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
    let mut written: Vec<DemoFolder> = Vec::new();
    for i in 0..count {
        let reference = format!("HD-{}-{:03}", day.format("%Y%m%d"), i + 1);
        let folder = out_dir.join(&reference);
        std::fs::create_dir_all(&folder).map_err(write_err(&folder))?;
        let defect = defect_of(i);
        let (carrier, credit) = CARRIERS[rng.gen_range(0..CARRIERS.len())];
        let (maker, maker_credit) = MANUFACTURERS[rng.gen_range(0..MANUFACTURERS.len())];
        let plate = format!(
            "豫G{}{:04}",
            ['A', 'B', 'C', 'D'][i % 4],
            rng.gen_range(1000..9999)
        );
        let trailer = format!("豫G{:04}挂", rng.gen_range(1000..9999));
        let submitted =
            NaiveDateTime::new(day, NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default())
                + Days::minutes(rng.gen_range(0..600));
        let filmed = if defect == Some(Defect::OldWatermark) {
            submitted - Days::days(23)
        } else {
            submitted - Days::minutes(rng.gen_range(20..180))
        };
        let shown_plate = if defect == Some(Defect::PlateMismatch) {
            format!("豫G{}{:04}", 'K', rng.gen_range(1000..9999))
        } else {
            plate.clone()
        };
        let watermark = Watermark {
            lines: vec![
                shown_plate,
                filmed.format("%Y-%m-%d %H:%M:%S").to_string(),
                "河南省新乡市长垣市 大件运输申报服务点".into(),
            ],
        };
        let scene_seed = seed.wrapping_mul(1000).wrapping_add(i as u64);
        let scene = Scene::from_seed(scene_seed);
        let mut reused_from = None;

        // The measurement video.
        let video = folder.join("measurement.mp4");
        match (defect, written.first()) {
            (Some(Defect::ReusedVideo), Some(first)) => {
                make::reencode(
                    &out_dir.join(&first.folder).join("measurement.mp4"),
                    150,
                    &video,
                )?;
                reused_from = Some(first.folder.clone());
            }
            _ => {
                let mut scenes = vec![scene];
                if defect == Some(Defect::VideoCut) {
                    scenes.push(Scene::from_seed(scene_seed ^ 0x5eed));
                }
                make::write_video(
                    &Shot {
                        scenes,
                        seconds: 4,
                        bitrate_kbps: 400,
                        watermark: watermark.clone(),
                        creation_time: (filmed - Days::hours(8))
                            .format("%Y-%m-%dT%H:%M:%SZ")
                            .to_string(),
                    },
                    &video,
                )?;
            }
        }

        // Two photos, front and side (the side is the same truck from further along).
        let exif = ExifData {
            make: "HUAWEI".into(),
            model: "Mate 60".into(),
            date_time_original: filmed.format("%Y:%m:%d %H:%M:%S").to_string(),
            offset: "+08:00".into(),
            latitude: LAT + rng.gen_range(-0.01..0.01),
            longitude: LON + rng.gen_range(-0.01..0.01),
        };
        let front = folder.join("front.jpg");
        match (defect, written.first()) {
            (Some(Defect::ReusedPhoto), Some(first)) => {
                let src = out_dir.join(&first.folder).join("front.jpg");
                let bytes = std::fs::read(&src).map_err(|source| MediaError::Read {
                    path: src.clone(),
                    source,
                })?;
                let img = make::decode(&bytes).ok_or_else(|| MediaError::Undecodable {
                    path: src.clone(),
                    kind: crate::MediaKind::Photo,
                    detail: "the demo's own photo".into(),
                })?;
                let smaller = img.resize(
                    img.width() * 3 / 4,
                    img.height() * 3 / 4,
                    FilterType::Triangle,
                );
                std::fs::write(&front, make::jpeg_bytes(&smaller, 80))
                    .map_err(write_err(&front))?;
                reused_from = Some(first.folder.clone());
            }
            _ => {
                let exif = (defect != Some(Defect::PhotoWithoutExif)).then_some(&exif);
                make::write_photo(&scene, &watermark, exif, &front)?;
            }
        }
        let mut side_scene = Scene::from_seed(scene_seed ^ 0x51de);
        side_scene.truck = scene.truck;
        make::write_photo(
            &side_scene,
            &watermark,
            Some(&exif),
            &folder.join("side.jpg"),
        )?;

        // Papers.
        let goods = GOODS[rng.gen_range(0..GOODS.len())];
        let route_text = ROUTES[rng.gen_range(0..ROUTES.len())];
        let travel_from = day + Days::days(1);
        let dispatch = text_pdf(
            "大件货物调运单 Dispatch note",
            &[
                format!("编号 No.: DY-{reference}"),
                format!("发货单位 Consignor: {maker}"),
                format!("承运单位 Carrier: {carrier}"),
                format!("货物 Goods: {goods}"),
                format!("车辆 Vehicle: {plate} / {trailer}"),
                format!("线路 Route: {route_text}"),
                format!("发运日期 Date: {travel_from}"),
            ],
        );
        std::fs::write(folder.join("dispatch.pdf"), dispatch).map_err(write_err(&folder))?;
        let commitment = text_pdf(
            "信用承诺书 Credit commitment",
            &[
                format!("承诺单位 {carrier}（统一社会信用代码 {credit}）"),
                "本单位承诺所提交的申报材料真实、准确、完整，".into(),
                "车辆装载与申报一致，按许可的时间、线路通行。".into(),
                "如有虚假，愿承担相应法律责任并接受信用惩戒。".into(),
                format!("日期 Date: {}", submitted.date()),
            ],
        );
        std::fs::write(folder.join("carrier-commitment.pdf"), commitment)
            .map_err(write_err(&folder))?;

        let declared = Declared {
            height_mm: rng.gen_range(40..48) * 100,
            width_mm: rng.gen_range(28..36) * 100,
            length_mm: rng.gen_range(18..26) * 1000,
            total_mass_kg: rng.gen_range(60..95) * 1000,
            axles: scene.truck.axles,
            configuration: Configuration::Combination,
            single_drive_axle: false,
            single_tyre_axles: 0,
        };
        let file = |material: Material, file: &str| SubmittedFile {
            material: material.code(),
            file: file.to_string(),
        };
        let mut materials = vec![
            file(Material::MeasurementVideo, "measurement.mp4"),
            file(Material::WatermarkedPhotos, "front.jpg"),
            file(Material::WatermarkedPhotos, "side.jpg"),
            file(Material::DispatchNote, "dispatch.pdf"),
            file(Material::CarrierCommitment, "carrier-commitment.pdf"),
        ];
        // The ordinary papers its class needs (forms, licences, the agent's, the manufacturer's
        // commitment; for class III the outline drawing and the escort plan), as short PDFs;
        // the incomplete folder lacks two.
        let class = Vehicle::new(declared)
            .ok()
            .and_then(|v| classify(&v, Route::WithinProvince).ok())
            .and_then(|c| c.class);
        if let Some(class) = class {
            for m in required(class, Track::CreditFastTrack, Trips::Single) {
                let held = materials.iter().any(|f| f.material == m.code());
                let left_out = defect == Some(Defect::MaterialsMissing)
                    && matches!(m, Material::ApplicationForm | Material::OperatingLicence);
                if held || left_out {
                    continue;
                }
                let name = format!("{}.pdf", m.code().replace('_', "-"));
                let paper = text_pdf(
                    m.name_zh(),
                    &[
                        format!("申报单位 {carrier}（统一社会信用代码 {credit}）"),
                        format!("车辆 Vehicle: {plate} / {trailer}"),
                        format!("货物 Goods: {goods}"),
                        format!("日期 Date: {}", submitted.date()),
                    ],
                );
                std::fs::write(folder.join(&name), paper).map_err(write_err(&folder))?;
                materials.push(file(m, &name));
            }
        }
        let submission = Submission {
            carrier_reference: reference.clone(),
            service_point: "410783",
            submitted_at: format!("{}+08:00", submitted.format("%Y-%m-%dT%H:%M:%S")),
            carrier: Party {
                name: carrier.into(),
                credit_id: credit.into(),
            },
            manufacturer: Party {
                name: maker.into(),
                credit_id: maker_credit.into(),
            },
            goods,
            tractor_plate: plate,
            trailer_plate: trailer,
            vehicle: declared,
            route: Route::WithinProvince,
            route_text,
            trips: Trips::Single,
            track: Track::CreditFastTrack,
            travel_from,
            travel_to: travel_from + Days::days(2),
            materials,
        };
        let json = serde_json::to_vec_pretty(&submission).unwrap_or_default();
        let manifest = folder.join("application.json");
        std::fs::write(&manifest, json).map_err(write_err(&manifest))?;
        written.push(DemoFolder {
            folder: reference.clone(),
            carrier_reference: reference,
            defect,
            reused_from,
        });
    }
    let manifest = out_dir.join("demo-manifest.json");
    std::fs::write(
        &manifest,
        serde_json::to_vec_pretty(&written).unwrap_or_default(),
    )
    .map_err(write_err(&manifest))?;
    let carriers = out_dir.join("carriers.json");
    std::fs::write(
        &carriers,
        serde_json::to_vec_pretty(&carrier_records()).unwrap_or_default(),
    )
    .map_err(write_err(&carriers))?;
    Ok(written)
}

/// The demo carriers' credit records (`carrier import` format): 宏达 clean and green, 豫通
/// yellow with one of two penalties repaired, 中原重载 green but with ten unrepaired penalties
/// (its fast track is refused), 恒运 red.
fn carrier_records() -> serde_json::Value {
    let penalty = |decided: &str, repaired: Option<&str>| serde_json::json!({"decided_on": decided, "repaired_on": repaired});
    let ten: Vec<serde_json::Value> = (1..=10)
        .map(|m| penalty(&format!("2026-{m:02}-15"), None))
        .collect();
    let standing = [
        ("green", Vec::new()),
        (
            "yellow",
            vec![
                penalty("2026-02-10", Some("2026-06-30")),
                penalty("2026-09-03", None),
            ],
        ),
        ("green", ten),
        ("red", vec![penalty("2026-08-21", None)]),
    ];
    CARRIERS
        .iter()
        .zip(standing)
        .map(|((name, credit_id), (code, penalties))| {
            serde_json::json!({"credit_id": credit_id, "enterprise_name": name,
                "credit_code": code, "penalties": penalties})
        })
        .collect()
}

/// The folder of a submission under `out_dir`.
pub fn folder_of(out_dir: &Path, f: &DemoFolder) -> PathBuf {
    out_dir.join(&f.folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_bytes() {
        let a = tempfile::tempdir().expect("tempdir");
        let b = tempfile::tempdir().expect("tempdir");
        let folders = write_submissions(a.path(), 2, 7).expect("writes");
        write_submissions(b.path(), 2, 7).expect("writes again");
        for f in &folders {
            for name in [
                "application.json",
                "measurement.mp4",
                "front.jpg",
                "side.jpg",
                "dispatch.pdf",
                "carrier-commitment.pdf",
            ] {
                let x = std::fs::read(folder_of(a.path(), f).join(name)).expect("read");
                let y = std::fs::read(folder_of(b.path(), f).join(name)).expect("read");
                assert!(x == y, "{}/{name} differs between two runs", f.folder);
            }
        }
        let manifest: serde_json::Value = serde_json::from_slice(
            &std::fs::read(a.path().join("demo-manifest.json")).expect("manifest"),
        )
        .expect("json");
        assert_eq!(manifest[1]["defect"], "plate_mismatch");
        for d in [
            Defect::PlateMismatch,
            Defect::OldWatermark,
            Defect::ReusedVideo,
            Defect::VideoCut,
            Defect::PhotoWithoutExif,
            Defect::ReusedPhoto,
        ] {
            assert_eq!(serde_json::to_value(d).expect("json"), d.code());
        }
    }
}
