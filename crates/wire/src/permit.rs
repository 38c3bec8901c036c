//! The permit desk's part of the protocol (大件运输): a carrier's application as it arrives
//! (the `application.json` of a submission folder, /tmp/submission-format.md), its check, and
//! applications, their materials and the permit day (the day's commitment, its revealed seed
//! and the stored draw) as the desk pulls them. docs/sync-protocol.md ("Permit desk") has the
//! rules around them.

use casedesk_domain::credit::CreditCode;
use casedesk_domain::credit_id::is_valid_credit_id;
use casedesk_domain::permit::materials::check_repeated_validity;
use casedesk_domain::permit::materials::{missing, required};
use casedesk_domain::permit::sample::{Candidate, Draw};
use casedesk_domain::permit::{
    accepted_kinds, apply_clock_action, classify, open_pause, AdministrativePenalty,
    Classification, ClockAction, ClockActionError, Declared, ListEntry, ListPenalty, Material,
    MaterialFileKind, Pause, Review, Route, Track, Trips, Vehicle, VehicleError,
};
use casedesk_domain::{plate, Divisions};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The longest name, goods description or route text accepted, in characters.
pub const MAX_SUBMISSION_TEXT_CHARS: usize = 200;
/// The longest carrier reference, in characters.
pub const MAX_CARRIER_REFERENCE_CHARS: usize = 64;
/// The most material files one application may name.
pub const MAX_MATERIAL_FILES: usize = 40;

/// An enterprise named in a submission: the carrier or the goods' manufacturer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    pub name: String,
    /// 统一社会信用代码 (18 characters, GB 32100 check character).
    pub credit_id: String,
}

/// One material of a submission: its code (`Material::code()`) and the file in the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmittedMaterial {
    pub material: String,
    pub file: String,
}

/// `application.json`: a carrier's application as the carrier portal sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The carrier's own reference; with the carrier's credit id it identifies the submission.
    pub carrier_reference: String,
    /// The county division code of the permit service point (长垣市 = 410783).
    pub service_point: String,
    /// RFC 3339 with an offset, e.g. `2026-11-30T08:15:00+08:00`.
    pub submitted_at: String,
    pub carrier: Party,
    pub manufacturer: Party,
    pub goods: String,
    pub tractor_plate: String,
    pub trailer_plate: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub vehicle: Declared,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "within_province"))]
    pub route: Route,
    pub route_text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "single"))]
    pub trips: Trips,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "credit_fast_track"))]
    pub track: Track,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-01"))]
    pub travel_from: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-12-03"))]
    pub travel_to: NaiveDate,
    pub materials: Vec<SubmittedMaterial>,
}

/// One file of a submission sent to the hub: its name in the folder and its bytes, base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionFile {
    pub file: String,
    pub content_base64: String,
}

/// `POST /api/v1/permit/applications`: the submission and every file it names, in one body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationUpload {
    pub submission: Submission,
    pub files: Vec<SubmissionFile>,
}

/// The answer to a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ApplicationSubmitted {
    /// A new application, numbered, counted in the service point's day `day`.
    Created {
        application_id: String,
        day: String,
        /// The day's commitment, published before this application was taken.
        commitment: String,
    },
    /// The same carrier and reference came before: nothing changed.
    Duplicate { application_id: String },
}

/// Why a submission is refused: a code and the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRefusal {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

fn refuse(code: &'static str, zh: String, en: String) -> SubmissionRefusal {
    SubmissionRefusal { code, zh, en }
}

/// A material with its parsed code and file kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedMaterial {
    pub material: Material,
    pub file: String,
    pub kind: MaterialFileKind,
}

/// A submission that passed every check, with what was read out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSubmission {
    pub submission: Submission,
    pub vehicle: Vehicle,
    /// `submitted_at` in Beijing time.
    pub submitted_at: NaiveDateTime,
    pub materials: Vec<CheckedMaterial>,
}

fn text(what_zh: &str, what_en: &str, value: &str, max: usize) -> Result<(), SubmissionRefusal> {
    let len = value.chars().count();
    if value.trim().is_empty() {
        return Err(refuse(
            "empty_text",
            format!("{what_zh}不能为空"),
            format!("the {what_en} must not be empty"),
        ));
    }
    if len > max {
        return Err(refuse(
            "text_too_long",
            format!("{what_zh}有 {len} 个字符，超过上限 {max}"),
            format!("the {what_en} is {len} characters, over the limit of {max}"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(refuse(
            "control_character",
            format!("{what_zh}含有控制字符"),
            format!("the {what_en} contains a control character"),
        ));
    }
    Ok(())
}

fn party(role_zh: &str, role_en: &str, p: &Party) -> Result<(), SubmissionRefusal> {
    text(
        &format!("{role_zh}名称"),
        &format!("{role_en}'s name"),
        &p.name,
        MAX_SUBMISSION_TEXT_CHARS,
    )?;
    if !is_valid_credit_id(&p.credit_id) {
        return Err(refuse(
            "bad_credit_id",
            format!(
                "{role_zh}的统一社会信用代码 {:?} 无效（18 位，末位为校验码）",
                p.credit_id
            ),
            format!(
                "the {role_en}'s unified social credit identifier {:?} is not valid (18 characters with a check character)",
                p.credit_id
            ),
        ));
    }
    Ok(())
}

/// Province abbreviations a Chinese plate starts with: a vehicle from outside Henan may carry a
/// load across provinces.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// A plate of any province, by the same pattern as Henan's (`plate::is_valid_plate`).
pub fn is_valid_vehicle_plate(p: &str) -> bool {
    let mut chars = p.chars();
    match chars.next() {
        Some(first) if PROVINCES.contains(first) => {
            plate::is_valid_plate(&format!("豫{}", chars.as_str()))
        }
        _ => false,
    }
}

fn plate_check(
    what_zh: &str,
    what_en: &str,
    p: &str,
    trailer: bool,
) -> Result<(), SubmissionRefusal> {
    let ok = is_valid_vehicle_plate(p) && p.ends_with('挂') == trailer;
    if !ok {
        let want_zh = if trailer {
            "挂车号牌（省份简称、城市字母、4 位字母或数字，再加“挂”，如 豫GB567挂）"
        } else {
            "机动车号牌（省份简称、城市字母、5 或 6 位字母或数字，如 豫GA1234）"
        };
        let want_en = if trailer {
            "a trailer plate (province, city letter, 4 letters or digits and 挂, e.g. 豫GB567挂)"
        } else {
            "a motor-vehicle plate (province, city letter, 5 or 6 letters or digits, e.g. 豫GA1234)"
        };
        return Err(refuse(
            "bad_plate",
            format!("{what_zh} {p:?} 不是有效的{want_zh}"),
            format!("the {what_en} {p:?} is not {want_en}"),
        ));
    }
    Ok(())
}

fn vehicle_refusal(e: VehicleError) -> SubmissionRefusal {
    let (zh, en) = match &e {
        VehicleError::Zero { measure } => (
            format!("申报的{}必须大于零", measure.name_zh()),
            e.to_string(),
        ),
        VehicleError::Absurd {
            measure,
            value,
            max,
        } => (
            format!(
                "申报的{} {value} {} 不合常理（上限 {max} {}）",
                measure.name_zh(),
                measure.unit(),
                measure.unit()
            ),
            e.to_string(),
        ),
        VehicleError::AxleCount { axles, min, max } => (
            format!("轴数 {axles} 不在 {min} 至 {max} 之间"),
            e.to_string(),
        ),
        VehicleError::SingleTyreAxles {
            single_tyre_axles,
            axles,
        } => (
            format!("单胎轴数 {single_tyre_axles} 不可能：共 {axles} 轴，其中一根为驱动轴"),
            e.to_string(),
        ),
        VehicleError::NotMetres { text } => {
            (format!("{text:?} 不是以米为单位的长度"), e.to_string())
        }
        VehicleError::NotKilograms { text } => (format!("{text:?} 不是整数千克"), e.to_string()),
    };
    SubmissionRefusal {
        code: e.code(),
        zh,
        en,
    }
}

/// A file name as a submission may give it: a plain name in the folder, nothing like a path.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.chars().count() <= 255
        && !name.contains(['/', '\\'])
        && name != "."
        && !name.contains("..")
        && !name.chars().any(char::is_control)
}

/// Checks a submission as the hub takes it (everything but the files' bytes): texts, the
/// service point, plates, credit ids, the declaration through `Vehicle::new`, dates, and each
/// material's code and file kind. `now` is Beijing time: a submission from the future (more than
/// 10 minutes) is refused.
pub fn check_submission(
    s: &Submission,
    now: NaiveDateTime,
) -> Result<CheckedSubmission, SubmissionRefusal> {
    text(
        "承运人申报编号",
        "carrier reference",
        &s.carrier_reference,
        MAX_CARRIER_REFERENCE_CHARS,
    )?;
    if Divisions::embedded().county(&s.service_point).is_none() {
        return Err(refuse(
            "unknown_service_point",
            format!("服务点 {:?} 不是河南省的县区行政区划代码", s.service_point),
            format!(
                "the service point {:?} is not a county division code of Henan",
                s.service_point
            ),
        ));
    }
    let submitted_at = DateTime::<FixedOffset>::parse_from_rfc3339(&s.submitted_at)
        .map_err(|_| {
            refuse(
                "bad_time",
                format!(
                    "申报时间 {:?} 无效，应为带时区的 RFC 3339 时间，如 2026-11-30T08:15:00+08:00",
                    s.submitted_at
                ),
                format!(
                    "the submission time {:?} is not RFC 3339 with an offset, e.g. 2026-11-30T08:15:00+08:00",
                    s.submitted_at
                ),
            )
        })?
        .naive_utc()
        + Duration::hours(8);
    if submitted_at > now + Duration::minutes(10) {
        return Err(refuse(
            "time_in_future",
            format!("申报时间 {} 晚于当前时间", s.submitted_at),
            format!("the submission time {} is in the future", s.submitted_at),
        ));
    }
    party("承运人", "carrier", &s.carrier)?;
    party("货物生产企业", "manufacturer", &s.manufacturer)?;
    text("货物名称", "goods", &s.goods, MAX_SUBMISSION_TEXT_CHARS)?;
    text(
        "通行路线",
        "route",
        &s.route_text,
        MAX_SUBMISSION_TEXT_CHARS,
    )?;
    plate_check("牵引车号牌", "tractor plate", &s.tractor_plate, false)?;
    plate_check("挂车号牌", "trailer plate", &s.trailer_plate, true)?;
    let vehicle = Vehicle::new(s.vehicle).map_err(vehicle_refusal)?;
    if s.travel_to < s.travel_from {
        return Err(refuse(
            "bad_dates",
            format!(
                "通行结束日期 {} 早于开始日期 {}",
                s.travel_to, s.travel_from
            ),
            format!(
                "the travel period ends ({}) before it begins ({})",
                s.travel_to, s.travel_from
            ),
        ));
    }
    if s.trips == Trips::Repeated {
        check_repeated_validity(s.travel_from, s.travel_to).map_err(|e| {
            refuse(
                e.code(),
                format!(
                    "多次通行许可最长 6 个月：{} 至 {} 超出",
                    s.travel_from, s.travel_to
                ),
                e.to_string(),
            )
        })?;
    }
    if s.materials.is_empty() || s.materials.len() > MAX_MATERIAL_FILES {
        return Err(refuse(
            "bad_material_count",
            format!(
                "申报材料有 {} 个文件，应为 1 至 {MAX_MATERIAL_FILES} 个",
                s.materials.len()
            ),
            format!(
                "the submission names {} material files; 1 to {MAX_MATERIAL_FILES} are accepted",
                s.materials.len()
            ),
        ));
    }
    let mut materials = Vec::with_capacity(s.materials.len());
    for m in &s.materials {
        let material = Material::from_code(&m.material).ok_or_else(|| {
            let known: Vec<&str> = Material::ALL.iter().map(|m| m.code()).collect();
            refuse(
                "unknown_material",
                format!(
                    "未知的材料代码 {:?}，可用：{}",
                    m.material,
                    known.join("、")
                ),
                format!(
                    "unknown material code {:?}; known codes: {}",
                    m.material,
                    known.join(", ")
                ),
            )
        })?;
        if !is_plain_file_name(&m.file) {
            return Err(refuse(
                "bad_file_name",
                format!("文件名 {:?} 无效：只能是申报文件夹中的文件名", m.file),
                format!(
                    "the file name {:?} is not valid: only a name in the submission folder",
                    m.file
                ),
            ));
        }
        let accepted = accepted_kinds(material);
        let names: Vec<&str> = accepted.iter().map(|k| k.name()).collect();
        let kind = MaterialFileKind::of_file_name(&m.file)
            .filter(|k| accepted.contains(k))
            .ok_or_else(|| {
                refuse(
                    "unsupported_type",
                    format!(
                        "{}（{}）只接受 {} 文件",
                        material.name_zh(),
                        m.file,
                        names.join("、")
                    ),
                    format!(
                        "the {} ({}) is accepted only as {}",
                        material.name_en(),
                        m.file,
                        names.join(", ")
                    ),
                )
            })?;
        materials.push(CheckedMaterial {
            material,
            file: m.file.clone(),
            kind,
        });
    }
    Ok(CheckedSubmission {
        submission: s.clone(),
        vehicle,
        submitted_at,
        materials,
    })
}

/// A material as stored on the hub and pulled by the desk: metadata and hash; the bytes are
/// fetched later by hash (`GET /api/v1/evidence/{sha256}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialFile {
    pub material: String,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub mime: String,
    /// For a photo or a video: the applications that handed in the very same file before this
    /// one, anywhere in the province (the hub sees them all; a desk only its jurisdiction's).
    /// Papers are left out: a carrier hands in the same licence with every application.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handed_in_before: Vec<EarlierUse>,
}

/// An earlier application that handed in the same file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EarlierUse {
    pub application_id: String,
    pub service_point: String,
    /// When the hub took it, Beijing time with microseconds.
    pub received_at: String,
    pub material: String,
    pub file_name: String,
}

/// A carrier's credit standing as the hub held it when an application arrived: its credit code
/// (红黄绿码) and its administrative penalties (行政处罚) with their repair dates, from the
/// platform's record of the carrier (`PUT /api/v1/permit/carriers/{credit_id}`). The fast track
/// and the draw's on-top share judge an application on the standing it arrived with, so a
/// later change of the record never changes a day already drawn; credit repair counts for the
/// carrier's applications from then on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CarrierStanding {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub credit_code: Option<CreditCode>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub penalties: Vec<AdministrativePenalty>,
}

/// `PUT /api/v1/permit/carriers/{credit_id}`: the platform's record of a carrier, replacing the
/// one before (administrators only: it comes from the national credit site and the provincial
/// credit scores, not from a desk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CarrierCreditUpdate {
    pub enterprise_name: String,
    #[serde(flatten)]
    pub standing: CarrierStanding,
    pub device_id: String,
}

/// A carrier's record as the hub keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CarrierCredit {
    pub credit_id: String,
    pub enterprise_name: String,
    #[serde(flatten)]
    pub standing: CarrierStanding,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: String,
}

/// An application as the hub keeps it after the change numbered `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationChange {
    pub seq: i64,
    pub application_id: String,
    pub version: i64,
    /// The service point's day it counts in (`YYYY-MM-DD`).
    pub day: String,
    /// When the hub took it, Beijing time `YYYY-MM-DD HH:MM:SS.ffffff`.
    pub received_at: String,
    /// No earlier application of this carrier reached the hub (on top of the random share).
    pub first_application: bool,
    pub submission: Submission,
    pub materials: Vec<MaterialFile>,
    /// The carrier's standing when the application arrived; None when the hub had no record of
    /// the carrier (no code, no penalties known).
    #[serde(default)]
    pub carrier_standing: Option<CarrierStanding>,
    /// The review decision once given (审核结论); None while undecided, and from a hub older
    /// than reviews.
    #[serde(default)]
    pub review: Option<DecidedReview>,
    /// The pauses of its decision clock (加固改造, 技术评估), oldest first; the last may be open.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub pauses: Vec<Pause>,
    pub updated_at: String,
}

/// A review as the hub applied it: the verdict with its marks and notes, who gave it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecidedReview {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub review: Review,
    pub decided_by: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`: for more material, the day the one-time notice was given.
    pub decided_at: String,
}

impl DecidedReview {
    /// The day it was given.
    pub fn decided_on(&self) -> Option<NaiveDate> {
        day_of(&self.decided_at)
    }
}

/// The day of a stamp `YYYY-MM-DD HH:MM[:SS.ffffff]` (the hub's and the desk's).
pub fn day_of(stamp: &str) -> Option<NaiveDate> {
    stamp
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// Why an application's declaration cannot be assessed (the hub checked it on receipt, so only
/// a rule changed since can cause it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    #[error(transparent)]
    Vehicle(#[from] VehicleError),
    #[error(transparent)]
    Limit(#[from] casedesk_domain::permit::LimitError),
}

/// What the rules say about an application's papers: its class (None: within every limit, no
/// permit needed) and the required materials it lacks. The one rule the hub's closure check and
/// the desk's views read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub classification: Classification,
    pub required: Vec<Material>,
    pub missing: Vec<Material>,
}

impl Assessment {
    /// Complete: over the limit (a permit is needed) and every required material handed in,
    /// so accepted on receipt and waiting for a decision.
    pub fn complete(&self) -> bool {
        self.classification.class.is_some() && self.missing.is_empty()
    }
}

impl ApplicationChange {
    /// The application's class and its missing materials, by the domain's rules.
    pub fn assess(&self) -> Result<Assessment, AssessError> {
        let s = &self.submission;
        let vehicle = Vehicle::new(s.vehicle)?;
        let classification = classify(&vehicle, s.route)?;
        let present: Vec<Material> = self
            .materials
            .iter()
            .filter_map(|m| Material::from_code(&m.material))
            .collect();
        let (required, missing) = match classification.class {
            Some(class) => {
                let required = required(class, s.track, s.trips);
                let missing = missing(&required, &present);
                (required, missing)
            }
            None => (Vec::new(), Vec::new()),
        };
        Ok(Assessment {
            classification,
            required,
            missing,
        })
    }

    /// Hashes of the application's files (what a review's notes may be pinned to).
    pub fn file_hashes(&self) -> Vec<String> {
        self.materials.iter().map(|m| m.sha256.clone()).collect()
    }

    /// Complete, without a verdict and its clock running: what holds the day's closure (日结).
    /// An application whose clock is paused waits for the road works, not for the reviewer.
    pub fn awaits_verdict(&self) -> bool {
        self.review.is_none()
            && open_pause(&self.pauses).is_none()
            && self.assess().is_ok_and(|a| a.complete())
    }

    /// Whether its review and its clock stay open after its day is closed: the day's closure
    /// does not wait for a paused application, so the pause carries it past the closure.
    pub fn carries_over(&self) -> bool {
        !self.pauses.is_empty()
    }

    /// Its pauses after `action` as of `today`: the decision clock runs (and so may stop) only
    /// for a complete application without a verdict, from the day it arrived. The one check
    /// the desk makes before queueing the action and the hub makes on receiving it.
    pub fn apply_clock(
        &self,
        action: ClockAction,
        today: NaiveDate,
    ) -> Result<Vec<Pause>, ClockActionError> {
        if self.review.is_some() || !self.assess().is_ok_and(|a| a.complete()) {
            return Err(ClockActionError::NotRunning);
        }
        let received_on = self.received_on().unwrap_or(today);
        apply_clock_action(&self.pauses, action, received_on, today)
    }

    /// The day the hub took it.
    pub fn received_on(&self) -> Option<NaiveDate> {
        day_of(&self.received_at)
    }
}

/// A service point's permit day: the commitment to its seed, published before its first
/// application, and, once the day is closed (日结), the seed and the draw with its inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermitDay {
    pub seq: i64,
    pub service_point: String,
    pub day: String,
    pub version: i64,
    /// SHA-256 of the seed, hex.
    pub commitment: String,
    /// When the commitment was made, Beijing time with microseconds.
    pub committed_at: String,
    /// The seed, hex; None until the day is closed.
    pub seed: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    /// The draw's inputs: the day's applications as drawn from.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Object>>))]
    pub candidates: Option<Vec<Candidate>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub draw: Option<Draw>,
    pub updated_at: String,
}

/// `POST /api/v1/permit/dishonest`: lists a carrier on the dishonest-enterprise list (失信企业库)
/// today, with the behaviour, the graded penalty and the conditions of repair. The hub dates it
/// and records the listing jurisdiction (the user's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DishonestListing {
    pub credit_id: String,
    pub enterprise_name: String,
    pub behaviour: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub penalty: ListPenalty,
    pub repair_conditions: String,
    pub device_id: String,
}

/// `POST /api/v1/permit/dishonest/{id}/repair`: the carrier met the conditions; repaired today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DishonestRepair {
    pub device_id: String,
}

/// A dishonest-list entry as the hub keeps it after the change numbered `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DishonestEntry {
    pub seq: i64,
    pub id: i64,
    pub credit_id: String,
    pub enterprise_name: String,
    /// The jurisdiction that listed it (`41`, a city's 4 digits, a county's 6); it holds there
    /// and below.
    pub division: String,
    pub version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub entry: ListEntry,
    pub updated_at: String,
}

impl DishonestEntry {
    /// Whether the entry counts at `service_point` (listed there or above).
    pub fn holds_at(&self, service_point: &str) -> bool {
        service_point.starts_with(&self.division)
    }
}

/// The entries of `credit_id` that hold at `service_point`: the carrier's record for the fast
/// track (`fast_track_refusals`) there.
pub fn entries_at<'a>(
    entries: impl IntoIterator<Item = &'a DishonestEntry>,
    credit_id: &str,
    service_point: &str,
) -> Vec<ListEntry> {
    entries
        .into_iter()
        .filter(|e| e.credit_id == credit_id && e.holds_at(service_point))
        .map(|e| e.entry.clone())
        .collect()
}

/// Whether the carrier counts as listed at `service_point` for `day`'s draw (checked on top of
/// the random share): on the list as the day began, that is in force on the day before. The hub
/// dates listings and repairs with the day they are recorded, so what happens on a day never
/// changes that day's draw once drawn. The one rule the hub's draw and the desk's check use.
pub fn listed_at<'a>(
    entries: impl IntoIterator<Item = &'a DishonestEntry>,
    credit_id: &str,
    service_point: &str,
    day: NaiveDate,
) -> bool {
    let Some(eve) = day.pred_opt() else {
        return false;
    };
    entries_at(entries, credit_id, service_point)
        .iter()
        .any(|e| e.in_force(eve))
}

/// One application of a day as the draw reads it: its id, its carrier, whether it is the
/// carrier's first application and the carrier's standing as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayApplication {
    pub application_id: String,
    pub carrier_credit_id: String,
    pub first_application: bool,
    pub carrier_standing: Option<CarrierStanding>,
}

impl From<&ApplicationChange> for DayApplication {
    fn from(a: &ApplicationChange) -> DayApplication {
        DayApplication {
            application_id: a.application_id.clone(),
            carrier_credit_id: a.submission.carrier.credit_id.clone(),
            first_application: a.first_application,
            carrier_standing: a.carrier_standing.clone(),
        }
    }
}

/// What a day is drawn from: each application with what puts it on top of the random share: a
/// first application, the carrier's yellow or red code as the application arrived, and a
/// carrier on the dishonest-enterprise list at the service point as the day began
/// ([`listed_at`]). The one rule the hub's draw and the desk's check use.
pub fn day_candidates(
    apps: &[DayApplication],
    entries: &[DishonestEntry],
    service_point: &str,
    day: NaiveDate,
) -> Vec<Candidate> {
    apps.iter()
        .map(|a| Candidate {
            application_id: a.application_id.clone(),
            carrier_code: a.carrier_standing.as_ref().and_then(|c| c.credit_code),
            carrier_listed: listed_at(entries, &a.carrier_credit_id, service_point, day),
            first_application: a.first_application,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use casedesk_domain::permit::Configuration;

    pub(crate) fn sample() -> Submission {
        serde_json::from_str(
            r#"{
  "carrier_reference": "HD-20261130-001",
  "service_point": "410783",
  "submitted_at": "2026-11-30T08:15:00+08:00",
  "carrier": {"name": "长垣市宏达重型运输有限公司", "credit_id": "91410783MA9XL0HJ8A"},
  "manufacturer": {"name": "河南森源电气股份有限公司", "credit_id": "91410700725822691A"},
  "goods": "110kV 油浸式变压器",
  "tractor_plate": "豫GA1234",
  "trailer_plate": "豫GB567挂",
  "vehicle": {"height_mm": 4300, "width_mm": 3200, "length_mm": 21000, "total_mass_kg": 79000,
              "axles": 6, "configuration": "combination", "single_drive_axle": false,
              "single_tyre_axles": 0},
  "route": "within_province",
  "route_text": "长垣市 G230 → G4 京港澳高速 → 郑州市航空港区",
  "trips": "single",
  "track": "credit_fast_track",
  "travel_from": "2026-12-01",
  "travel_to": "2026-12-03",
  "materials": [
    {"material": "measurement_video", "file": "measurement.mp4"},
    {"material": "watermarked_photos", "file": "front.jpg"},
    {"material": "dispatch_note", "file": "dispatch.pdf"}
  ]
}"#,
        )
        .expect("the shared format parses")
    }

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-11-30 09:00:00", "%Y-%m-%d %H:%M:%S").expect("time")
    }

    #[test]
    fn the_shared_format_is_read_and_checked() {
        let s = sample();
        let c = check_submission(&s, now()).expect("valid");
        assert_eq!(c.vehicle.configuration, Configuration::Combination);
        assert_eq!(c.submitted_at.to_string(), "2026-11-30 08:15:00");
        assert_eq!(c.materials[0].kind, MaterialFileKind::Mp4);
        assert!(is_valid_vehicle_plate("京A12345") && !is_valid_vehicle_plate("X12345"));
    }

    #[test]
    fn bad_submissions_are_refused_with_a_code() {
        let code = |f: &dyn Fn(&mut Submission)| {
            let mut s = sample();
            f(&mut s);
            check_submission(&s, now()).map(|_| ()).map_err(|r| r.code)
        };
        assert_eq!(
            code(&|s| s.vehicle.height_mm = 4_200_000),
            Err("permit_dimension_absurd")
        );
        assert_eq!(
            code(&|s| s.vehicle.width_mm = 0),
            Err("permit_dimension_zero")
        );
        assert_eq!(
            code(&|s| s.materials[1].material = "selfie".into()),
            Err("unknown_material")
        );
        assert_eq!(
            code(&|s| s.materials[0].file = "measurement.pdf".into()),
            Err("unsupported_type")
        );
        assert_eq!(
            code(&|s| s.materials[0].file = "../x.mp4".into()),
            Err("bad_file_name")
        );
        assert_eq!(
            code(&|s| s.service_point = "110101".into()),
            Err("unknown_service_point")
        );
        assert_eq!(
            code(&|s| s.carrier.credit_id = "91410783MA9XL0HJ8B".into()),
            Err("bad_credit_id")
        );
        assert_eq!(
            code(&|s| s.trailer_plate = "豫GA1234".into()),
            Err("bad_plate")
        );
        assert_eq!(
            code(&|s| s.submitted_at = "2026-11-30 08:15".into()),
            Err("bad_time")
        );
        assert_eq!(
            code(&|s| s.travel_to = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")),
            Err("bad_dates")
        );
        let unknown_field =
            serde_json::to_string(&sample())
                .expect("json")
                .replacen('{', r#"{"extra": 1,"#, 1);
        assert!(serde_json::from_str::<Submission>(&unknown_field).is_err());
    }
}
