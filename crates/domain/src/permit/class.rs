//! Permit classes (一类/二类/三类) and the statutory decision time limits (法定办理时限) of
//! 超限运输车辆行驶公路管理规定 (2016 No. 62), article 15.
//!
//! One table, `assets/permit/classes.json` (embedded, with the article quoted in its
//! `source`), holds both the class boundaries and the working days: [`class_table`] returns it
//! for an administrator to see, and [`classify`] and [`ClassRow::time_limit`] read nothing
//! else. A boundary value belongs to the lower class (the article says 未超过, "does not
//! exceed"): exactly 4.2 m high is class I.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::limits::{over_limit, LimitError, OverLimit};
use super::vehicle::{Measure, Vehicle};

const EMBEDDED: &str = include_str!("../../../../assets/permit/classes.json");

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum PermitClass {
    One,
    Two,
    Three,
}

impl PermitClass {
    pub fn code(self) -> &'static str {
        match self {
            PermitClass::One => "one",
            PermitClass::Two => "two",
            PermitClass::Three => "three",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PermitClass::One => "一类",
            PermitClass::Two => "二类",
            PermitClass::Three => "三类",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            PermitClass::One => "class I",
            PermitClass::Two => "class II",
            PermitClass::Three => "class III",
        }
    }
}

/// Where the transport runs, which decides which of a class's two limits applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Within the province (本辖区内).
    WithinProvince,
    /// Across provinces, accepted by the province of departure and handled centrally
    /// (统一受理、集中办理跨省大件运输).
    CrossProvince,
}

impl Route {
    pub fn code(self) -> &'static str {
        match self {
            Route::WithinProvince => "within_province",
            Route::CrossProvince => "cross_province",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Route::WithinProvince => "省内",
            Route::CrossProvince => "跨省",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Route::WithinProvince => "within the province",
            Route::CrossProvince => "across provinces",
        }
    }
}

/// One class: its maxima (none for the last class) and its time limits in working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassRow {
    pub class: PermitClass,
    #[serde(default)]
    pub max_height_mm: Option<u32>,
    #[serde(default)]
    pub max_width_mm: Option<u32>,
    #[serde(default)]
    pub max_length_mm: Option<u32>,
    #[serde(default)]
    pub max_total_mass_kg: Option<u32>,
    /// The total mass must also be within article 3's limit for the vehicle (class I).
    #[serde(default)]
    pub total_mass_within_article_3: bool,
    pub within_province_days: u32,
    pub cross_province_days: u32,
}

impl ClassRow {
    /// Working days from acceptance within which the decision is due.
    pub fn time_limit(&self, route: Route) -> u32 {
        match route {
            Route::WithinProvince => self.within_province_days,
            Route::CrossProvince => self.cross_province_days,
        }
    }

    fn admits(&self, v: &Vehicle, over: &OverLimit) -> bool {
        let within = |max: Option<u32>, measure: Measure| max.is_none_or(|m| v.value(measure) <= m);
        within(self.max_height_mm, Measure::Height)
            && within(self.max_width_mm, Measure::Width)
            && within(self.max_length_mm, Measure::Length)
            && within(self.max_total_mass_kg, Measure::TotalMass)
            && !(self.total_mass_within_article_3 && over.exceeds(Measure::TotalMass))
    }
}

/// Article 15's table, in class order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassTable {
    pub source: String,
    pub classes: Vec<ClassRow>,
}

impl ClassTable {
    pub fn row(&self, class: PermitClass) -> &ClassRow {
        self.classes
            .iter()
            .find(|r| r.class == class)
            // The shipped table has one row per class (tested below).
            .expect("the class table has a row for every class")
    }

    /// The first class whose maxima all hold.
    fn class_of(&self, v: &Vehicle, over: &OverLimit) -> PermitClass {
        self.classes
            .iter()
            .find(|r| r.admits(v, over))
            .map(|r| r.class)
            // The last row has no maxima (tested below), so some row always admits.
            .unwrap_or(PermitClass::Three)
    }
}

/// The class table shipped with the app, for the rules and for an administrator to see.
pub fn class_table() -> &'static ClassTable {
    static TABLE: OnceLock<ClassTable> = OnceLock::new();
    TABLE.get_or_init(|| serde_json::from_str(EMBEDDED).expect("embedded article 15 table"))
}

/// What the desk shows for a declared vehicle: the over-limit test and, when it is over, its
/// class and the time limit for its route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Classification {
    pub over_limit: OverLimit,
    /// `None` when the vehicle is within every limit: it needs no permit.
    pub class: Option<PermitClass>,
    pub route: Route,
    /// Working days from acceptance; `None` with no class.
    pub time_limit_days: Option<u32>,
}

/// Article 3's test, then article 15's class and time limit.
pub fn classify(v: &Vehicle, route: Route) -> Result<Classification, LimitError> {
    let over = over_limit(v)?;
    let table = class_table();
    let class = over.is_over().then(|| table.class_of(v, &over));
    Ok(Classification {
        time_limit_days: class.map(|c| table.row(c).time_limit(route)),
        over_limit: over,
        class,
        route,
    })
}

#[cfg(test)]
mod tests {
    use super::super::vehicle::tests::legal_six_axle;
    use super::super::vehicle::Declared;
    use super::*;

    fn class(d: Declared) -> Option<PermitClass> {
        let v = Vehicle::new(d).expect("valid test declaration");
        classify(&v, Route::WithinProvince)
            .expect("a limit applies")
            .class
    }

    #[test]
    fn the_table_is_article_15_with_its_source() {
        let t = class_table();
        assert!(t.source.contains("2016年第62号") && t.source.contains("第十五条"));
        let days: Vec<(PermitClass, u32, u32)> = t
            .classes
            .iter()
            .map(|r| (r.class, r.within_province_days, r.cross_province_days))
            .collect();
        assert_eq!(
            days,
            vec![
                (PermitClass::One, 2, 5),
                (PermitClass::Two, 5, 10),
                (PermitClass::Three, 15, 20)
            ]
        );
        let last = t.classes.last().expect("rows");
        assert_eq!(
            (
                last.max_height_mm,
                last.max_width_mm,
                last.max_length_mm,
                last.max_total_mass_kg
            ),
            (None, None, None, None),
            "the last class takes everything"
        );
        assert_eq!(t.row(PermitClass::Two).time_limit(Route::CrossProvince), 10);
    }

    #[test]
    fn a_vehicle_within_the_limits_has_no_class() {
        let v = Vehicle::new(legal_six_axle()).expect("valid");
        let c = classify(&v, Route::CrossProvince).expect("limit");
        assert_eq!((c.class, c.time_limit_days), (None, None));
    }

    #[test]
    fn height_boundaries_belong_to_the_lower_class() {
        let h = |height_mm| {
            class(Declared {
                height_mm,
                ..legal_six_axle()
            })
        };
        assert_eq!(h(4000), None);
        assert_eq!(h(4001), Some(PermitClass::One));
        assert_eq!(h(4200), Some(PermitClass::One));
        assert_eq!(h(4201), Some(PermitClass::Two));
        assert_eq!(h(4500), Some(PermitClass::Two));
        assert_eq!(h(4501), Some(PermitClass::Three));
    }

    #[test]
    fn width_length_and_mass_boundaries_belong_to_the_lower_class() {
        let w = |width_mm| {
            class(Declared {
                width_mm,
                ..legal_six_axle()
            })
        };
        assert_eq!(w(2551), Some(PermitClass::One));
        assert_eq!(w(3000), Some(PermitClass::One));
        assert_eq!(w(3001), Some(PermitClass::Two));
        assert_eq!(w(3750), Some(PermitClass::Two));
        assert_eq!(w(3751), Some(PermitClass::Three));
        let l = |length_mm| {
            class(Declared {
                length_mm,
                ..legal_six_axle()
            })
        };
        assert_eq!(l(18101), Some(PermitClass::One));
        assert_eq!(l(20000), Some(PermitClass::One));
        assert_eq!(l(20001), Some(PermitClass::Two));
        assert_eq!(l(28000), Some(PermitClass::Two));
        assert_eq!(l(28001), Some(PermitClass::Three));
        let m = |total_mass_kg| {
            class(Declared {
                total_mass_kg,
                ..legal_six_axle()
            })
        };
        // Over article 3's mass limit is never class I.
        assert_eq!(m(49001), Some(PermitClass::Two));
        assert_eq!(m(100_000), Some(PermitClass::Two));
        assert_eq!(m(100_001), Some(PermitClass::Three));
    }

    #[test]
    fn class_i_needs_the_mass_within_the_reduced_limit() {
        // 4.1 m high with 47 000 kg: class I on dual tyres, class II with one single-tyre axle.
        let base = Declared {
            height_mm: 4100,
            total_mass_kg: 47000,
            ..legal_six_axle()
        };
        assert_eq!(class(base), Some(PermitClass::One));
        assert_eq!(
            class(Declared {
                single_tyre_axles: 1,
                ..base
            }),
            Some(PermitClass::Two)
        );
    }

    #[test]
    fn the_time_limit_follows_class_and_route() {
        let v = Vehicle::new(Declared {
            width_mm: 4000,
            ..legal_six_axle()
        })
        .expect("valid");
        let within = classify(&v, Route::WithinProvince).expect("limit");
        let across = classify(&v, Route::CrossProvince).expect("limit");
        assert_eq!(within.class, Some(PermitClass::Three));
        assert_eq!(within.time_limit_days, Some(15));
        assert_eq!(across.time_limit_days, Some(20));
        let one = Vehicle::new(Declared {
            height_mm: 4200,
            ..legal_six_axle()
        })
        .expect("valid");
        assert_eq!(
            classify(&one, Route::CrossProvince)
                .expect("limit")
                .time_limit_days,
            Some(5)
        );
    }
}
