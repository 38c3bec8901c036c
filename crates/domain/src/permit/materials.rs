//! The materials (申请材料) an application needs, by class and track, and which are missing.
//!
//! Ordinary materials (超限运输车辆行驶公路管理规定, 2016 No. 62, as the provinces' service guides
//! list them): the application form, the carrier's 道路运输经营许可证, the agent's ID and
//! letter of authorisation, the vehicle's 行驶证 or temporary plate; above 4.5 m, 3.75 m, 28 m or
//! 100 000 kg (class III) also the loaded outline drawing and the escort plan (vehicles, staff,
//! route, procedures, contingencies). A permit for repeated trips on a fixed route, same load,
//! no strengthening needed, valid up to 6 months, needs a transport plan.
//!
//! The credit fast track (信用+申报, DOMAIN.md case 7) replaces the site visit with the signed
//! credit commitments of carrier and manufacturer, the dispatch note, watermarked photos and a
//! measurement video reviewed remotely.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::class::PermitClass;

/// One kind of material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Material {
    ApplicationForm,
    OperatingLicence,
    VehicleLicence,
    AgentId,
    AgentAuthorisation,
    CarrierCommitment,
    ManufacturerCommitment,
    DispatchNote,
    WatermarkedPhotos,
    MeasurementVideo,
    OutlineDrawing,
    EscortPlan,
    TransportPlan,
}

impl Material {
    pub const ALL: [Material; 13] = [
        Material::ApplicationForm,
        Material::OperatingLicence,
        Material::VehicleLicence,
        Material::AgentId,
        Material::AgentAuthorisation,
        Material::CarrierCommitment,
        Material::ManufacturerCommitment,
        Material::DispatchNote,
        Material::WatermarkedPhotos,
        Material::MeasurementVideo,
        Material::OutlineDrawing,
        Material::EscortPlan,
        Material::TransportPlan,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Material::ApplicationForm => "application_form",
            Material::OperatingLicence => "operating_licence",
            Material::VehicleLicence => "vehicle_licence",
            Material::AgentId => "agent_id",
            Material::AgentAuthorisation => "agent_authorisation",
            Material::CarrierCommitment => "carrier_commitment",
            Material::ManufacturerCommitment => "manufacturer_commitment",
            Material::DispatchNote => "dispatch_note",
            Material::WatermarkedPhotos => "watermarked_photos",
            Material::MeasurementVideo => "measurement_video",
            Material::OutlineDrawing => "outline_drawing",
            Material::EscortPlan => "escort_plan",
            Material::TransportPlan => "transport_plan",
        }
    }

    pub fn from_code(code: &str) -> Option<Material> {
        Material::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Material::ApplicationForm => "公路超限运输申请表",
            Material::OperatingLicence => "道路运输经营许可证",
            Material::VehicleLicence => "车辆行驶证或临时行驶车号牌",
            Material::AgentId => "经办人身份证件",
            Material::AgentAuthorisation => "授权委托书",
            Material::CarrierCommitment => "承运人信用承诺书",
            Material::ManufacturerCommitment => "货物生产企业信用承诺书",
            Material::DispatchNote => "调运单",
            Material::WatermarkedPhotos => "水印照片",
            Material::MeasurementVideo => "测量视频",
            Material::OutlineDrawing => "载货时车货总体外廓尺寸轮廓图",
            Material::EscortPlan => "护送方案",
            Material::TransportPlan => "运输计划",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Material::ApplicationForm => "application form",
            Material::OperatingLicence => "road transport operating licence",
            Material::VehicleLicence => "vehicle licence or temporary plate",
            Material::AgentId => "agent's ID",
            Material::AgentAuthorisation => "letter of authorisation",
            Material::CarrierCommitment => "carrier's credit commitment",
            Material::ManufacturerCommitment => "manufacturer's credit commitment",
            Material::DispatchNote => "dispatch note",
            Material::WatermarkedPhotos => "watermarked photos",
            Material::MeasurementVideo => "measurement video",
            Material::OutlineDrawing => "loaded outline drawing",
            Material::EscortPlan => "escort plan",
            Material::TransportPlan => "transport plan",
        }
    }
}

/// The ordinary procedure or the credit fast track (信用+申报).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    Ordinary,
    CreditFastTrack,
}

/// A single trip, or repeated trips on a fixed route within a validity of up to 6 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Trips {
    Single,
    Repeated,
}

/// The longest validity of a repeated-trip permit, in months.
pub const REPEATED_TRIP_MAX_MONTHS: u32 = 6;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TripsError {
    #[error("the permit would end ({until}) before it begins ({from})")]
    EndsBeforeItBegins { from: NaiveDate, until: NaiveDate },
    #[error(
        "a repeated-trip permit runs at most {max_months} months: {from} to {latest}, not {until}"
    )]
    LongerThanAllowed {
        from: NaiveDate,
        until: NaiveDate,
        latest: NaiveDate,
        max_months: u32,
    },
}

impl TripsError {
    pub fn code(&self) -> &'static str {
        match self {
            TripsError::EndsBeforeItBegins { .. } => "permit_validity_ends_before_it_begins",
            TripsError::LongerThanAllowed { .. } => "permit_repeated_trips_longer_than_allowed",
        }
    }
}

/// Checks a repeated-trip permit's validity: at most 6 months after `from`, counted as 民法典
/// articles 201-202 count periods in months (the start day not counted; the period ends on the
/// same day of the sixth month, or that month's last day when it has no such day): from 1 March
/// up to 1 September, from 31 August up to 28 February.
pub fn check_repeated_validity(from: NaiveDate, until: NaiveDate) -> Result<(), TripsError> {
    if until < from {
        return Err(TripsError::EndsBeforeItBegins { from, until });
    }
    let latest = from
        .checked_add_months(Months::new(REPEATED_TRIP_MAX_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    if until > latest {
        return Err(TripsError::LongerThanAllowed {
            from,
            until,
            latest,
            max_months: REPEATED_TRIP_MAX_MONTHS,
        });
    }
    Ok(())
}

/// The materials an application of `class` needs, in the order the desk lists them.
pub fn required(class: PermitClass, track: Track, trips: Trips) -> Vec<Material> {
    let mut m = vec![
        Material::ApplicationForm,
        Material::OperatingLicence,
        Material::VehicleLicence,
        Material::AgentId,
        Material::AgentAuthorisation,
    ];
    if track == Track::CreditFastTrack {
        m.extend([
            Material::CarrierCommitment,
            Material::ManufacturerCommitment,
            Material::DispatchNote,
            Material::WatermarkedPhotos,
            Material::MeasurementVideo,
        ]);
    }
    if class == PermitClass::Three {
        m.extend([Material::OutlineDrawing, Material::EscortPlan]);
    }
    if trips == Trips::Repeated {
        m.push(Material::TransportPlan);
    }
    m
}

/// The required materials not among those present, in the order of `required`: what the
/// one-time notice lists.
pub fn missing(required: &[Material], present: &[Material]) -> Vec<Material> {
    required
        .iter()
        .copied()
        .filter(|m| !present.contains(m))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    const ORDINARY: [Material; 5] = [
        Material::ApplicationForm,
        Material::OperatingLicence,
        Material::VehicleLicence,
        Material::AgentId,
        Material::AgentAuthorisation,
    ];

    #[test]
    fn classes_i_and_ii_need_the_ordinary_materials() {
        for class in [PermitClass::One, PermitClass::Two] {
            assert_eq!(
                required(class, Track::Ordinary, Trips::Single),
                ORDINARY.to_vec()
            );
        }
    }

    #[test]
    fn class_iii_adds_the_outline_drawing_and_escort_plan() {
        let r = required(PermitClass::Three, Track::Ordinary, Trips::Single);
        assert_eq!(r.len(), 7);
        assert!(r.contains(&Material::OutlineDrawing) && r.contains(&Material::EscortPlan));
        assert!(!required(PermitClass::Two, Track::Ordinary, Trips::Single)
            .contains(&Material::EscortPlan));
    }

    #[test]
    fn the_fast_track_adds_commitments_and_remote_evidence() {
        let r = required(PermitClass::Three, Track::CreditFastTrack, Trips::Repeated);
        for m in Material::ALL {
            assert!(
                r.contains(&m),
                "{m:?} is needed for class III, fast track, repeated"
            );
        }
        assert_eq!(r.len(), Material::ALL.len());
        let one = required(PermitClass::One, Track::CreditFastTrack, Trips::Single);
        assert_eq!(one.len(), 10);
        assert!(one.contains(&Material::MeasurementVideo));
        assert!(!one.contains(&Material::TransportPlan));
    }

    #[test]
    fn repeated_trips_add_the_transport_plan() {
        let r = required(PermitClass::One, Track::Ordinary, Trips::Repeated);
        assert_eq!(r.last(), Some(&Material::TransportPlan));
    }

    #[test]
    fn missing_lists_what_is_not_present_in_order() {
        let r = required(PermitClass::Three, Track::CreditFastTrack, Trips::Single);
        let present = [
            Material::ApplicationForm,
            Material::OperatingLicence,
            Material::VehicleLicence,
            Material::AgentId,
            Material::AgentAuthorisation,
            Material::CarrierCommitment,
            Material::DispatchNote,
            Material::WatermarkedPhotos,
            Material::MeasurementVideo,
            // Something not required is ignored.
            Material::TransportPlan,
        ];
        assert_eq!(
            missing(&r, &present),
            vec![
                Material::ManufacturerCommitment,
                Material::OutlineDrawing,
                Material::EscortPlan
            ]
        );
        assert!(missing(&r, &r).is_empty());
        assert_eq!(missing(&r, &[]), r);
    }

    #[test]
    fn codes_round_trip_and_names_are_distinct() {
        for m in Material::ALL {
            assert_eq!(Material::from_code(m.code()), Some(m));
        }
        let mut zh: Vec<&str> = Material::ALL.iter().map(|m| m.name_zh()).collect();
        zh.sort_unstable();
        zh.dedup();
        assert_eq!(zh.len(), Material::ALL.len());
    }

    #[test]
    fn a_repeated_trip_permit_runs_at_most_six_months() {
        assert_eq!(
            check_repeated_validity(d("2026-03-01"), d("2026-09-01")),
            Ok(())
        );
        assert_eq!(
            check_repeated_validity(d("2026-03-01"), d("2026-09-02")).map_err(|e| e.code()),
            Err("permit_repeated_trips_longer_than_allowed")
        );
        // 31 August + 6 months ends on the last day of February.
        assert_eq!(
            check_repeated_validity(d("2026-08-31"), d("2027-02-28")),
            Ok(())
        );
        assert!(check_repeated_validity(d("2026-08-31"), d("2027-03-01")).is_err());
        assert!(matches!(
            check_repeated_validity(d("2026-03-02"), d("2026-03-01")),
            Err(TripsError::EndsBeforeItBegins { .. })
        ));
    }
}
