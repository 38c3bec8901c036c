//! The permit desk's rules (大件运输) as the window and the CLI call them: a declaration typed
//! in metres and kilograms is read exactly (no floating point), checked, and classified by the
//! domain (`casedesk_domain::permit`): which limits of article 3 it exceeds, its class and its
//! statutory time limit. Refusals carry message keys, like every other error of the desk.

use casedesk_domain::permit::{
    class_table, classify, parse_kilograms, parse_metres, ClassTable, Classification,
    Configuration, Declared, Route, Vehicle,
};

use crate::error::AppError;

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
