//! A work order's state as it travels: every field of the domain's [`OrderState`], typed.

use casedesk_domain::catalog::ResponseTime;
use casedesk_domain::{Clock, Due, OrderState, Outcome, Status};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The serialized form of [`OrderState`] (the domain type carries no serde derive): the hub
/// stores and sends this, and it converts both ways without loss.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderStateWire {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "pending"))]
    pub status: Status,
    pub county_code: String,
    pub claimed_by: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub response: ResponseTime,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub handling_due: Due,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub clock: Option<Clock>,
    pub rectification_requirement: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub rectification_due: Option<NaiveDate>,
    pub rectifications: u32,
    pub notice_authority: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub feedback_due: Option<NaiveDate>,
    pub interception_override: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub outcome: Option<Outcome>,
    pub transfer_to: Option<String>,
}

impl From<&OrderState> for OrderStateWire {
    fn from(s: &OrderState) -> OrderStateWire {
        OrderStateWire {
            status: s.status,
            county_code: s.county_code.clone(),
            claimed_by: s.claimed_by.clone(),
            response: s.response,
            handling_due: s.handling_due,
            clock: s.clock,
            rectification_requirement: s.rectification_requirement.clone(),
            rectification_due: s.rectification_due,
            rectifications: s.rectifications,
            notice_authority: s.notice_authority.clone(),
            feedback_due: s.feedback_due,
            interception_override: s.interception_override.clone(),
            outcome: s.outcome,
            transfer_to: s.transfer_to.clone(),
        }
    }
}

impl From<OrderStateWire> for OrderState {
    fn from(w: OrderStateWire) -> OrderState {
        OrderState {
            status: w.status,
            county_code: w.county_code,
            claimed_by: w.claimed_by,
            response: w.response,
            handling_due: w.handling_due,
            clock: w.clock,
            rectification_requirement: w.rectification_requirement,
            rectification_due: w.rectification_due,
            rectifications: w.rectifications,
            notice_authority: w.notice_authority,
            feedback_due: w.feedback_due,
            interception_override: w.interception_override,
            outcome: w.outcome,
            transfer_to: w.transfer_to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use casedesk_domain::{Catalog, WorkingCalendar};

    #[test]
    fn an_open_order_round_trips_through_json() {
        let catalog = Catalog::embedded();
        let violation = catalog.all().first().expect("a violation");
        let detected = NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(8, 30, 0))
            .expect("time");
        let state = OrderState::open(violation, detected, "410783", &WorkingCalendar::embedded());
        let json = serde_json::to_string(&OrderStateWire::from(&state)).expect("serialize");
        let back: OrderStateWire = serde_json::from_str(&json).expect("parse");
        assert_eq!(OrderState::from(back), state);
    }
}
