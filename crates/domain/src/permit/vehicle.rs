//! The vehicle and load as an application declares them (车货总体): outline dimensions in
//! millimetres, total mass in kilograms, axles and tyres. Integer units, so that no limit test
//! depends on floating point (4.2 m is 4 200 mm, and 4 200 is not above 4 200).
//!
//! A declaration is checked once, when it is built ([`Vehicle::new`]): a zero or absurd value is
//! refused with a code and its parameters, and every rule downstream can trust what it gets.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

/// Truck (货车, one rigid vehicle) or combination (汽车列车: a tractor with a semi-trailer or a
/// truck with a full trailer). Article 3 sets different mass limits for the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Configuration {
    Truck,
    Combination,
}

impl Configuration {
    pub fn code(self) -> &'static str {
        match self {
            Configuration::Truck => "truck",
            Configuration::Combination => "combination",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Configuration::Truck => "货车",
            Configuration::Combination => "汽车列车",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Configuration::Truck => "truck",
            Configuration::Combination => "combination",
        }
    }
}

/// Largest values a declaration may carry. Real class III loads reach 60 m, 6 m and 600 t
/// (a 614 t gasifier on 63.77 m was moved in Shandong in 2024); these bounds only catch typos
/// (metres typed as millimetres, tonnes as kilograms times a thousand).
pub const MAX_LENGTH_MM: u32 = 150_000;
pub const MAX_WIDTH_MM: u32 = 20_000;
pub const MAX_HEIGHT_MM: u32 = 20_000;
pub const MAX_TOTAL_MASS_KG: u32 = 3_000_000;
pub const MIN_AXLES: u32 = 2;
pub const MAX_AXLES: u32 = 200;

/// One outline dimension or the mass, named in errors and in the over-limit report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Measure {
    Height,
    Width,
    Length,
    TotalMass,
}

impl Measure {
    pub fn code(self) -> &'static str {
        match self {
            Measure::Height => "height",
            Measure::Width => "width",
            Measure::Length => "length",
            Measure::TotalMass => "total_mass",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Measure::Height => "车货总高度",
            Measure::Width => "车货总宽度",
            Measure::Length => "车货总长度",
            Measure::TotalMass => "车货总质量",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Measure::Height => "height",
            Measure::Width => "width",
            Measure::Length => "length",
            Measure::TotalMass => "total mass",
        }
    }

    /// "mm" or "kg".
    pub fn unit(self) -> &'static str {
        match self {
            Measure::TotalMass => "kg",
            _ => "mm",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VehicleError {
    #[error("{} must be above zero", measure.name_en())]
    Zero { measure: Measure },
    #[error("{} of {value} {} is over the plausible maximum of {max} {}", measure.name_en(), measure.unit(), measure.unit())]
    Absurd {
        measure: Measure,
        value: u32,
        max: u32,
    },
    #[error("{axles} axles is outside {min} to {max}")]
    AxleCount { axles: u32, min: u32, max: u32 },
    #[error("{single_tyre_axles} axles with single tyres counted, but only {axles} axles, one of them the drive axle")]
    SingleTyreAxles { single_tyre_axles: u32, axles: u32 },
    #[error("{text:?} is not a length in metres (up to three decimals, e.g. 4.2 or 18.100)")]
    NotMetres { text: String },
    #[error("{text:?} is not a mass in whole kilograms")]
    NotKilograms { text: String },
}

impl VehicleError {
    /// Stable code for the message catalogues; the parameters are the variant's fields.
    pub fn code(&self) -> &'static str {
        match self {
            VehicleError::Zero { .. } => "permit_dimension_zero",
            VehicleError::Absurd { .. } => "permit_dimension_absurd",
            VehicleError::AxleCount { .. } => "permit_axle_count_out_of_range",
            VehicleError::SingleTyreAxles { .. } => "permit_single_tyre_axles_exceed_axles",
            VehicleError::NotMetres { .. } => "permit_not_metres",
            VehicleError::NotKilograms { .. } => "permit_not_kilograms",
        }
    }
}

/// A declared vehicle and load, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    pub height_mm: u32,
    pub width_mm: u32,
    pub length_mm: u32,
    pub total_mass_kg: u32,
    /// Axles counted as article 3 counts them: an axle group counts as its number of axles.
    pub axles: u32,
    pub configuration: Configuration,
    /// The tractor's drive axle is a single axle (matters for 6 and more axles).
    pub single_drive_axle: bool,
    /// Non-drive axles of an axle group or of a (semi-)trailer with single tyres on each side
    /// and no approved wide-base tyres: each lowers the mass limit by 3 000 kg.
    pub single_tyre_axles: u32,
}

/// What a declaration says, before it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Declared {
    pub height_mm: u32,
    pub width_mm: u32,
    pub length_mm: u32,
    pub total_mass_kg: u32,
    pub axles: u32,
    pub configuration: Configuration,
    pub single_drive_axle: bool,
    pub single_tyre_axles: u32,
}

impl Vehicle {
    pub fn new(d: Declared) -> Result<Vehicle, VehicleError> {
        for (measure, value, max) in [
            (Measure::Height, d.height_mm, MAX_HEIGHT_MM),
            (Measure::Width, d.width_mm, MAX_WIDTH_MM),
            (Measure::Length, d.length_mm, MAX_LENGTH_MM),
            (Measure::TotalMass, d.total_mass_kg, MAX_TOTAL_MASS_KG),
        ] {
            if value == 0 {
                return Err(VehicleError::Zero { measure });
            }
            if value > max {
                return Err(VehicleError::Absurd {
                    measure,
                    value,
                    max,
                });
            }
        }
        if !(MIN_AXLES..=MAX_AXLES).contains(&d.axles) {
            return Err(VehicleError::AxleCount {
                axles: d.axles,
                min: MIN_AXLES,
                max: MAX_AXLES,
            });
        }
        // At least the drive axle is not counted.
        if d.single_tyre_axles >= d.axles {
            return Err(VehicleError::SingleTyreAxles {
                single_tyre_axles: d.single_tyre_axles,
                axles: d.axles,
            });
        }
        Ok(Vehicle {
            height_mm: d.height_mm,
            width_mm: d.width_mm,
            length_mm: d.length_mm,
            total_mass_kg: d.total_mass_kg,
            axles: d.axles,
            configuration: d.configuration,
            single_drive_axle: d.single_drive_axle,
            single_tyre_axles: d.single_tyre_axles,
        })
    }

    /// The declared value of one measure.
    pub fn value(&self, measure: Measure) -> u32 {
        match measure {
            Measure::Height => self.height_mm,
            Measure::Width => self.width_mm,
            Measure::Length => self.length_mm,
            Measure::TotalMass => self.total_mass_kg,
        }
    }
}

/// Millimetres from a length typed in metres ("4.2", "18.100", "4"), read as a decimal text so
/// that 4.001 m is exactly 4 001 mm. A sign, more than three decimals or a value too large for
/// the type is refused; the bounds of a declaration are checked by [`Vehicle::new`].
pub fn parse_metres(text: &str) -> Result<u32, VehicleError> {
    let bad = || VehicleError::NotMetres {
        text: text.to_string(),
    };
    let t = text.trim();
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 3 {
        return Err(bad());
    }
    if t.ends_with('.') {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let mut frac_mm: u32 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    for _ in frac.len()..3 {
        frac_mm *= 10;
    }
    whole
        .checked_mul(1000)
        .and_then(|mm| mm.checked_add(frac_mm))
        .ok_or_else(bad)
}

/// Kilograms from a whole number typed by a user ("49000"); a sign, decimals or units are
/// refused rather than guessed.
pub fn parse_kilograms(text: &str) -> Result<u32, VehicleError> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(VehicleError::NotKilograms {
            text: text.to_string(),
        });
    }
    t.parse().map_err(|_| VehicleError::NotKilograms {
        text: text.to_string(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A 6-axle tractor and semi-trailer within every article 3 limit.
    pub(crate) fn legal_six_axle() -> Declared {
        Declared {
            height_mm: 4000,
            width_mm: 2550,
            length_mm: 18100,
            total_mass_kg: 49000,
            axles: 6,
            configuration: Configuration::Combination,
            single_drive_axle: false,
            single_tyre_axles: 0,
        }
    }

    #[test]
    fn metres_are_read_exactly() {
        assert_eq!(parse_metres("4"), Ok(4000));
        assert_eq!(parse_metres("4.2"), Ok(4200));
        assert_eq!(parse_metres("4.001"), Ok(4001));
        assert_eq!(parse_metres(" 18.10 "), Ok(18100));
        assert_eq!(parse_metres("0.5"), Ok(500));
        for bad in [
            "", "-4.2", "+4", "4.0001", "4.", ".5", "4,2", "4.2m", "1e3", "99999999",
        ] {
            assert!(
                matches!(parse_metres(bad), Err(VehicleError::NotMetres { .. })),
                "{bad:?}"
            );
        }
        assert_eq!(parse_kilograms("49000"), Ok(49000));
        for bad in ["", "-1", "49.5", "49t", "99999999999"] {
            assert!(parse_kilograms(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn zero_absurd_and_inconsistent_declarations_are_refused() {
        assert!(Vehicle::new(legal_six_axle()).is_ok());
        let zero = Declared {
            width_mm: 0,
            ..legal_six_axle()
        };
        assert_eq!(
            Vehicle::new(zero),
            Err(VehicleError::Zero {
                measure: Measure::Width
            })
        );
        // 4 200 typed as metres and converted: 4 200 000 mm.
        let absurd = Declared {
            height_mm: 4_200_000,
            ..legal_six_axle()
        };
        assert_eq!(
            Vehicle::new(absurd).map_err(|e| e.code()),
            Err("permit_dimension_absurd")
        );
        let at_max = Declared {
            length_mm: MAX_LENGTH_MM,
            ..legal_six_axle()
        };
        assert!(Vehicle::new(at_max).is_ok());
        for axles in [0, 1, MAX_AXLES + 1] {
            let d = Declared {
                axles,
                ..legal_six_axle()
            };
            assert!(
                matches!(Vehicle::new(d), Err(VehicleError::AxleCount { .. })),
                "{axles}"
            );
        }
        let all_single = Declared {
            single_tyre_axles: 6,
            ..legal_six_axle()
        };
        assert_eq!(
            Vehicle::new(all_single).map_err(|e| e.code()),
            Err("permit_single_tyre_axles_exceed_axles")
        );
        let five_single = Declared {
            single_tyre_axles: 5,
            ..legal_six_axle()
        };
        assert!(Vehicle::new(five_single).is_ok());
    }
}
