//! The permit desk's rules (大件运输) as the window and the CLI call them: a declaration typed
//! in metres and kilograms is read exactly (no floating point), checked, and classified by the
//! domain (`casedesk_domain::permit`): which limits of article 3 it exceeds, its class and its
//! statutory time limit. Refusals carry message keys, like every other error of the desk.
//! Also the materials an application needs for its class and track, and the day's random sample
//! (每日随机抽查): drawn from a seed and the day's list, and verified once the seed is revealed.

use casedesk_domain::permit::materials::{self, Material, Track, Trips};
use casedesk_domain::permit::sample::{self, Candidate, Draw, SampleError};
use casedesk_domain::permit::{
    class_table, classify, parse_kilograms, parse_metres, ClassTable, Classification,
    Configuration, Declared, PermitClass, Route, Vehicle,
};
use serde::Serialize;

use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;

/// A declaration as typed: lengths in metres ("4.2", "18.100"), mass in whole kilograms.
#[derive(Debug, Clone)]
pub struct DeclarationText {
    pub height_m: String,
    pub width_m: String,
    pub length_m: String,
    pub total_mass_kg: String,
    pub axles: u32,
    pub configuration: Configuration,
    pub single_drive_axle: bool,
    pub single_tyre_axles: u32,
    pub route: Route,
}

/// Reads and checks the declaration, then classifies it.
pub fn classify_declaration(d: &DeclarationText) -> Result<Classification, AppError> {
    let vehicle = Vehicle::new(Declared {
        height_mm: parse_metres(&d.height_m)?,
        width_mm: parse_metres(&d.width_m)?,
        length_mm: parse_metres(&d.length_m)?,
        total_mass_kg: parse_kilograms(&d.total_mass_kg)?,
        axles: d.axles,
        configuration: d.configuration,
        single_drive_axle: d.single_drive_axle,
        single_tyre_axles: d.single_tyre_axles,
    })?;
    Ok(classify(&vehicle, d.route)?)
}

/// The classes and time limits of article 15, for display.
pub fn permit_classes() -> &'static ClassTable {
    class_table()
}

/// One material, by code and name in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MaterialItem {
    #[ts(type = "string")]
    pub code: &'static str,
    #[ts(type = "string")]
    pub name_zh: &'static str,
    #[ts(type = "string")]
    pub name_en: &'static str,
}

impl From<Material> for MaterialItem {
    fn from(m: Material) -> MaterialItem {
        MaterialItem {
            code: m.code(),
            name_zh: m.name_zh(),
            name_en: m.name_en(),
        }
    }
}

/// What an application needs, and of that what is missing (the one-time notice's list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaterialsCheck {
    pub required: Vec<MaterialItem>,
    pub missing: Vec<MaterialItem>,
}

/// The materials an application of `class` on `track` for `trips` needs; `present` (material
/// codes) are those handed in. An unknown code is refused with the list of known ones.
pub fn permit_materials(
    class: PermitClass,
    track: Track,
    trips: Trips,
    present: &[String],
) -> Result<MaterialsCheck, AppError> {
    let present = present
        .iter()
        .map(|c| {
            Material::from_code(c.trim()).ok_or_else(|| {
                AppError::invalid(MessageKey::PermitUnknownMaterial).with("code", c.trim())
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let required = materials::required(class, track, trips);
    let missing = materials::missing(&required, &present);
    Ok(MaterialsCheck {
        required: required.into_iter().map(MaterialItem::from).collect(),
        missing: missing.into_iter().map(MaterialItem::from).collect(),
    })
}

/// A seed given in hexadecimal.
fn seed_bytes(seed_hex: &str) -> Result<Vec<u8>, AppError> {
    hex::decode(seed_hex.trim())
        .map_err(|_| AppError::invalid(MessageKey::SampleSeedNotHex).with("text", seed_hex.trim()))
}

/// The day's list as JSON: `[{"application_id", "carrier_code" (green/yellow/red or null),
/// "carrier_listed", "first_application"}]`.
pub fn read_candidates(json: &str) -> Result<Vec<Candidate>, AppError> {
    serde_json::from_str(json).map_err(|e| {
        AppError::invalid(MessageKey::SampleListMalformed).with("detail", e.to_string())
    })
}

/// The commitment the hub publishes before the day's first application: SHA-256 of the seed.
/// A seed short enough to be guessed from its commitment is refused, as the draw refuses it.
pub fn sample_commitment(seed_hex: &str) -> Result<String, AppError> {
    let seed = seed_bytes(seed_hex)?;
    if seed.len() < sample::MIN_SEED_BYTES {
        return Err(SampleError::SeedTooShort {
            len: seed.len(),
            min: sample::MIN_SEED_BYTES,
        }
        .into());
    }
    Ok(sample::commitment(&seed))
}

/// The day's draw from the revealed seed and the day's list.
pub fn sample_draw(seed_hex: &str, applications: &[Candidate]) -> Result<Draw, AppError> {
    Ok(sample::draw(&seed_bytes(seed_hex)?, applications)?)
}

/// Checks a closed day: the seed is the committed one and the stored draw is the seed's.
pub fn sample_verify(
    commitment: &str,
    seed_hex: &str,
    applications: &[Candidate],
    stored: &Draw,
) -> Result<(), AppError> {
    Ok(sample::verify(
        commitment,
        &seed_bytes(seed_hex)?,
        applications,
        stored,
    )?)
}

impl From<SampleError> for AppError {
    fn from(e: SampleError) -> AppError {
        use MessageKey as K;
        match e {
            SampleError::SeedTooShort { len, min } => AppError::invalid(K::SampleSeedTooShort)
                .with("len", len as u64)
                .with("min", min as u64),
            SampleError::EmptyApplicationId => AppError::invalid(K::SampleEmptyApplicationId),
            SampleError::DuplicateApplication { id } => {
                AppError::invalid(K::SampleDuplicateApplication).with("id", id)
            }
            SampleError::MalformedCommitment { text } => {
                AppError::invalid(K::SampleMalformedCommitment).with("text", text)
            }
            SampleError::SeedDoesNotMatchCommitment => AppError::new(
                ErrorCode::RefusedTransition,
                K::SampleSeedDoesNotMatchCommitment,
            ),
            SampleError::DrawDiffers => {
                AppError::new(ErrorCode::RefusedTransition, K::SampleDrawDiffers)
            }
            SampleError::CommittedTooLate {
                published_at,
                first_application_at,
            } => AppError::new(ErrorCode::RefusedTransition, K::SampleCommittedTooLate)
                .with(
                    "published_at",
                    published_at.format("%Y-%m-%d %H:%M").to_string(),
                )
                .with(
                    "first_application_at",
                    first_application_at.format("%Y-%m-%d %H:%M").to_string(),
                ),
        }
    }
}
