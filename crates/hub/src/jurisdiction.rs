//! Whose orders a user sees and acts on: the province (`41`), a city (the first 4 digits of its
//! division code, `4107`) or a county (its 6 digits, `410783`). Counties map to their city by
//! the domain's division table, not by string prefix alone, so a county the table places under
//! a city (Jiyuan's) is always found there.

use casedesk_domain::jurisdiction::Level;
use casedesk_domain::{Divisions, Role};
use thiserror::Error;

pub const PROVINCE: &str = casedesk_domain::jurisdiction::PROVINCE_CODE;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Jurisdiction {
    Province,
    /// A city's 4-digit prefix.
    City(String),
    /// A county's 6-digit code.
    County(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JurisdictionError {
    #[error("{0} is not a division of Henan: give 41, a city's 4 digits (4107) or a county's 6 (410783)")]
    Unknown(String),
    #[error("a {role} needs {needs}, not {code}")]
    WrongLevel {
        role: &'static str,
        needs: &'static str,
        code: String,
    },
}

/// A city's 4-digit prefix of a county code (by the division table; the first 4 digits for a
/// code the table does not list).
pub fn city_of(county: &str) -> String {
    match Divisions::embedded().county(county) {
        Some((city, _)) => city.code.chars().take(4).collect(),
        None => county.chars().take(4).collect(),
    }
}

impl Jurisdiction {
    pub fn parse(code: &str) -> Result<Jurisdiction, JurisdictionError> {
        let code = code.trim();
        match Divisions::embedded().level(code) {
            Some(Level::Province) => Ok(Jurisdiction::Province),
            Some(Level::City(_)) => Ok(Jurisdiction::City(code.to_string())),
            Some(Level::County(..)) => Ok(Jurisdiction::County(code.to_string())),
            None => Err(JurisdictionError::Unknown(code.to_string())),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Jurisdiction::Province => PROVINCE,
            Jurisdiction::City(c) | Jurisdiction::County(c) => c,
        }
    }

    /// Whether an order of `county` is within this jurisdiction.
    pub fn covers_county(&self, county: &str) -> bool {
        match self {
            Jurisdiction::Province => county.starts_with(PROVINCE),
            Jurisdiction::City(c) => city_of(county) == *c,
            Jurisdiction::County(c) => c == county,
        }
    }

    /// Whether a whitelist entry decided at `division` holds here (it was decided at this level
    /// or above) or lies below (a province user sees a city's entries).
    pub fn sees_division(&self, division: &str) -> bool {
        let mine = self.code();
        mine.starts_with(division) || division.starts_with(mine)
    }

    /// Whether a supervisor here may decide on an entry of `division` (at this level or below).
    pub fn decides_division(&self, division: &str) -> bool {
        division.starts_with(self.code())
    }

    /// The level a role's jurisdiction must have: officers and desk staff work in a county,
    /// supervisors over a city or the province; administrators anywhere.
    pub fn check_role(&self, role: Role) -> Result<(), JurisdictionError> {
        let ok = match role {
            Role::CountyOfficer | Role::DeskStaff => matches!(self, Jurisdiction::County(_)),
            Role::Supervisor => !matches!(self, Jurisdiction::County(_)),
            Role::Administrator => true,
        };
        if ok {
            return Ok(());
        }
        Err(JurisdictionError::WrongLevel {
            role: role.name_en(),
            needs: match role {
                Role::Supervisor => "a city (4 digits) or the province (41)",
                _ => "a county (6 digits)",
            },
            code: self.code().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_what_they_cover() {
        let county = Jurisdiction::parse("410783").expect("长垣市");
        let city = Jurisdiction::parse("4107").expect("新乡市");
        let province = Jurisdiction::parse("41").expect("河南省");
        assert!(county.covers_county("410783"));
        assert!(!county.covers_county("410724"));
        assert!(city.covers_county("410724"));
        assert!(!city.covers_county("410184"));
        assert!(province.covers_county("410184"));
        assert!(Jurisdiction::parse("4199").is_err());
        assert!(Jurisdiction::parse("110101").is_err());
        assert!(county.sees_division("4107") && county.sees_division("41"));
        assert!(!county.sees_division("4101"));
        assert!(province.decides_division("4107") && !city.decides_division("41"));
        assert!(county.check_role(Role::Supervisor).is_err());
        assert!(city.check_role(Role::CountyOfficer).is_err());
    }
}
