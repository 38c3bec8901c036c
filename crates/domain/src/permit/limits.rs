//! The over-limit test (超限认定) of 超限运输车辆行驶公路管理规定 (2016 No. 62), article 3: a
//! vehicle needs a permit when its height, width, length or total mass exceeds the limits.
//!
//! The numbers are data, `assets/permit/limits.json` (embedded, with the article quoted in its
//! `source`). The test reports every limit exceeded with the allowed value and by how much, so
//! that the desk can show "width 3 200 mm, 650 mm over 2 550 mm" rather than a bare yes.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::vehicle::{Configuration, Measure, Vehicle};

const EMBEDDED: &str = include_str!("../../../../assets/permit/limits.json");

/// One row of article 3's mass limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassRow {
    pub axles: u32,
    /// The row also holds for more axles (六轴及六轴以上).
    #[serde(default)]
    pub and_more: bool,
    pub configuration: Configuration,
    pub limit_kg: u32,
    /// The lower limit when the tractor's drive axle is a single axle, where the article sets one.
    #[serde(default)]
    pub single_drive_axle_limit_kg: Option<u32>,
    /// The clause of article 3, as the regulation words it.
    pub clause: String,
}

/// Article 3's limits, for the over-limit test and for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub source: String,
    pub height_mm: u32,
    pub width_mm: u32,
    pub length_mm: u32,
    pub single_tyre_reduction_kg: u32,
    pub total_mass: Vec<MassRow>,
}

/// The limits shipped with the app (the file is tested below; a broken one cannot ship).
pub fn limits() -> &'static Limits {
    static LIMITS: OnceLock<Limits> = OnceLock::new();
    LIMITS.get_or_init(|| serde_json::from_str(EMBEDDED).expect("embedded article 3 limits"))
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LimitError {
    /// Article 3 names no limit for this axle count and configuration (e.g. a 5-axle rigid truck).
    #[error("article 3 sets no total-mass limit for a {}-axle {}", axles, configuration.name_en())]
    NoMassLimit {
        axles: u32,
        configuration: Configuration,
    },
    /// The single-tyre reductions would take the limit to zero or below.
    #[error("{single_tyre_axles} single-tyre axles lower the {base_kg} kg limit to nothing")]
    ReductionExceedsLimit {
        base_kg: u32,
        single_tyre_axles: u32,
    },
}

impl LimitError {
    pub fn code(&self) -> &'static str {
        match self {
            LimitError::NoMassLimit { .. } => "permit_no_mass_limit",
            LimitError::ReductionExceedsLimit { .. } => {
                "permit_single_tyre_reduction_exceeds_limit"
            }
        }
    }
}

/// The total-mass limit that applies to a vehicle, and how it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MassLimit {
    /// The row's limit (the single-drive-axle one where it applies).
    pub base_kg: u32,
    /// 3 000 kg for each non-drive axle with single tyres and no approved wide-base tyres.
    pub reduction_kg: u32,
    pub limit_kg: u32,
}

/// One limit a vehicle exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Exceedance {
    pub measure: Measure,
    pub declared: u32,
    pub allowed: u32,
    /// `declared - allowed`, in the measure's unit (mm or kg).
    pub excess: u32,
}

/// The over-limit test's answer: every limit exceeded (empty when none is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OverLimit {
    pub mass_limit: MassLimit,
    pub exceeded: Vec<Exceedance>,
}

impl OverLimit {
    /// Whether the vehicle is an over-limit vehicle (超限运输车辆) that needs a permit.
    pub fn is_over(&self) -> bool {
        !self.exceeded.is_empty()
    }

    pub fn exceeds(&self, measure: Measure) -> bool {
        self.exceeded.iter().any(|e| e.measure == measure)
    }
}

impl Limits {
    /// The total-mass limit for the vehicle's axles and configuration, less the single-tyre
    /// reductions.
    pub fn mass_limit(&self, v: &Vehicle) -> Result<MassLimit, LimitError> {
        let row = self
            .total_mass
            .iter()
            .filter(|r| r.configuration == v.configuration)
            .find(|r| r.axles == v.axles || (r.and_more && v.axles >= r.axles))
            .ok_or(LimitError::NoMassLimit {
                axles: v.axles,
                configuration: v.configuration,
            })?;
        let base_kg = match row.single_drive_axle_limit_kg {
            Some(lower) if v.single_drive_axle => lower,
            _ => row.limit_kg,
        };
        let reduction_kg = v
            .single_tyre_axles
            .saturating_mul(self.single_tyre_reduction_kg);
        if reduction_kg >= base_kg {
            return Err(LimitError::ReductionExceedsLimit {
                base_kg,
                single_tyre_axles: v.single_tyre_axles,
            });
        }
        Ok(MassLimit {
            base_kg,
            reduction_kg,
            limit_kg: base_kg - reduction_kg,
        })
    }

    /// Article 3's test: which limits the vehicle exceeds, and by how much. A value equal to its
    /// limit is within it.
    pub fn test(&self, v: &Vehicle) -> Result<OverLimit, LimitError> {
        let mass_limit = self.mass_limit(v)?;
        let exceeded = [
            (Measure::Height, self.height_mm),
            (Measure::Width, self.width_mm),
            (Measure::Length, self.length_mm),
            (Measure::TotalMass, mass_limit.limit_kg),
        ]
        .into_iter()
        .filter_map(|(measure, allowed)| {
            let declared = v.value(measure);
            (declared > allowed).then(|| Exceedance {
                measure,
                declared,
                allowed,
                excess: declared - allowed,
            })
        })
        .collect();
        Ok(OverLimit {
            mass_limit,
            exceeded,
        })
    }
}

/// Article 3's test with the shipped limits.
pub fn over_limit(v: &Vehicle) -> Result<OverLimit, LimitError> {
    limits().test(v)
}

#[cfg(test)]
mod tests {
    use super::super::vehicle::tests::legal_six_axle;
    use super::super::vehicle::Declared;
    use super::*;

    fn vehicle(d: Declared) -> Vehicle {
        Vehicle::new(d).expect("valid test declaration")
    }

    fn test(d: Declared) -> OverLimit {
        over_limit(&vehicle(d)).expect("a limit applies")
    }

    #[test]
    fn the_embedded_file_carries_article_3_and_its_source() {
        let l = limits();
        assert!(l.source.contains("2016年第62号") && l.source.contains("第三条"));
        assert_eq!((l.height_mm, l.width_mm, l.length_mm), (4000, 2550, 18100));
        assert_eq!(l.single_tyre_reduction_kg, 3000);
        assert_eq!(l.total_mass.len(), 7);
    }

    #[test]
    fn a_vehicle_at_every_limit_is_within_it() {
        let r = test(legal_six_axle());
        assert!(!r.is_over(), "{r:?}");
        assert_eq!(r.mass_limit.limit_kg, 49000);
    }

    #[test]
    fn one_millimetre_over_a_dimension_is_over_by_one_millimetre() {
        let high = test(Declared {
            height_mm: 4001,
            ..legal_six_axle()
        });
        assert!(high.is_over());
        assert_eq!(
            high.exceeded,
            vec![Exceedance {
                measure: Measure::Height,
                declared: 4001,
                allowed: 4000,
                excess: 1
            }]
        );
        let wide = test(Declared {
            width_mm: 2551,
            ..legal_six_axle()
        });
        assert!(wide.exceeds(Measure::Width) && wide.exceeded.len() == 1);
        let long = test(Declared {
            length_mm: 18101,
            ..legal_six_axle()
        });
        assert!(long.exceeds(Measure::Length) && long.exceeded.len() == 1);
        assert!(!test(Declared {
            length_mm: 18100,
            ..legal_six_axle()
        })
        .is_over());
    }

    #[test]
    fn every_limit_exceeded_is_reported_with_its_excess() {
        let r = test(Declared {
            height_mm: 4500,
            width_mm: 3200,
            length_mm: 25000,
            total_mass_kg: 60000,
            ..legal_six_axle()
        });
        let excess: Vec<(Measure, u32)> =
            r.exceeded.iter().map(|e| (e.measure, e.excess)).collect();
        assert_eq!(
            excess,
            vec![
                (Measure::Height, 500),
                (Measure::Width, 650),
                (Measure::Length, 6900),
                (Measure::TotalMass, 11000)
            ]
        );
    }

    /// Each row of article 3, at its limit and one kilogram over.
    #[test]
    fn each_axle_count_has_its_mass_limit() {
        use Configuration::{Combination, Truck};
        let cases = [
            (2, Truck, false, 18000),
            (3, Truck, false, 25000),
            (3, Combination, false, 27000),
            (4, Truck, false, 31000),
            (4, Combination, false, 36000),
            (5, Combination, false, 43000),
            (6, Combination, false, 49000),
            (6, Combination, true, 46000),
            (7, Combination, false, 49000),
            (12, Combination, true, 46000),
        ];
        for (axles, configuration, single_drive_axle, limit) in cases {
            let at = Declared {
                axles,
                configuration,
                single_drive_axle,
                total_mass_kg: limit,
                ..legal_six_axle()
            };
            let r = test(at);
            assert!(!r.is_over(), "{axles} {configuration:?} at {limit}");
            assert_eq!(r.mass_limit.limit_kg, limit);
            let over = test(Declared {
                total_mass_kg: limit + 1,
                ..at
            });
            assert_eq!(
                over.exceeded,
                vec![Exceedance {
                    measure: Measure::TotalMass,
                    declared: limit + 1,
                    allowed: limit,
                    excess: 1
                }],
                "{axles} {configuration:?}"
            );
        }
    }

    #[test]
    fn a_single_drive_axle_only_matters_from_six_axles() {
        let five = test(Declared {
            axles: 5,
            single_drive_axle: true,
            total_mass_kg: 43000,
            ..legal_six_axle()
        });
        assert_eq!(five.mass_limit.limit_kg, 43000);
    }

    #[test]
    fn each_single_tyre_axle_lowers_the_limit_by_3000_kg() {
        let one = test(Declared {
            single_tyre_axles: 1,
            total_mass_kg: 46000,
            ..legal_six_axle()
        });
        assert_eq!(
            one.mass_limit,
            MassLimit {
                base_kg: 49000,
                reduction_kg: 3000,
                limit_kg: 46000
            }
        );
        assert!(!one.is_over());
        let over = test(Declared {
            single_tyre_axles: 1,
            total_mass_kg: 46001,
            ..legal_six_axle()
        });
        assert_eq!(over.exceeded[0].excess, 1);
        // Three single-tyre trailer axles on a single-drive-axle tractor: 46 000 - 9 000.
        let three = test(Declared {
            single_tyre_axles: 3,
            single_drive_axle: true,
            total_mass_kg: 37001,
            ..legal_six_axle()
        });
        assert_eq!(three.mass_limit.limit_kg, 37000);
        assert!(three.exceeds(Measure::TotalMass));
        // Wide-base tyres are declared as not single: no reduction.
        let wide_base = test(Declared {
            single_tyre_axles: 0,
            total_mass_kg: 49000,
            ..legal_six_axle()
        });
        assert_eq!(wide_base.mass_limit.reduction_kg, 0);
    }

    #[test]
    fn configurations_article_3_does_not_name_are_refused() {
        let five_axle_truck = vehicle(Declared {
            axles: 5,
            configuration: Configuration::Truck,
            ..legal_six_axle()
        });
        assert_eq!(
            over_limit(&five_axle_truck),
            Err(LimitError::NoMassLimit {
                axles: 5,
                configuration: Configuration::Truck
            })
        );
        let two_axle_combination = vehicle(Declared {
            axles: 2,
            configuration: Configuration::Combination,
            single_tyre_axles: 0,
            ..legal_six_axle()
        });
        assert_eq!(
            over_limit(&two_axle_combination).map_err(|e| e.code()),
            Err("permit_no_mass_limit")
        );
        // A 2-axle truck with a single-tyre non-drive axle in a group: 18 000 - 3 000.
        let two_axle_truck = vehicle(Declared {
            axles: 2,
            configuration: Configuration::Truck,
            single_tyre_axles: 1,
            ..legal_six_axle()
        });
        assert_eq!(
            over_limit(&two_axle_truck).map(|r| r.mass_limit.limit_kg),
            Ok(15000)
        );
        // 19 reductions of 3 000 kg leave nothing of 46 000 kg.
        let many = vehicle(Declared {
            axles: 20,
            single_tyre_axles: 19,
            single_drive_axle: true,
            ..legal_six_axle()
        });
        assert!(matches!(
            over_limit(&many),
            Err(LimitError::ReductionExceedsLimit { .. })
        ));
    }
}
